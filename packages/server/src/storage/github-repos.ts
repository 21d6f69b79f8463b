import { sql } from "kysely";
import type { Db } from "./database.ts";

/** The repository a student saves a session's code to, once they saved. */
export async function studentRepoOf(db: Db, sessionId: string, userId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("github_repos")
    .select("repo")
    .where("session_id", "=", sessionId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row?.repo;
}

/** Remembers a student's save: the repository (`owner/name`) and the commit's link. */
export async function recordStudentSave(
  db: Db,
  row: { sessionId: string; userId: string; repo: string; commitUrl: string },
): Promise<void> {
  const values = { repo: row.repo, last_commit_url: row.commitUrl, saved_at: sql<Date>`now()` };
  await db
    .insertInto("github_repos")
    .values({ session_id: row.sessionId, user_id: row.userId, ...values })
    .onConflict((oc) => oc.columns(["session_id", "user_id"]).doUpdateSet(values))
    .execute();
}
