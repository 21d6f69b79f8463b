import { sql } from "kysely";
import type { Db } from "./database.ts";
import { RUN_COLUMNS_BUT_OUTPUT } from "./runs.ts";
import type { RunRow } from "./schema.ts";

/**
 * The reads of a session export (export/session-zip.ts), each bounded: documents by a batch
 * of names, runs without their output, one run's output at a time, runs.csv by pages.
 */

/** Stored documents' states by name (those that exist). */
export async function documentStates(db: Db, names: readonly string[]): Promise<Map<string, Uint8Array>> {
  if (names.length === 0) return new Map();
  const rows = await db
    .selectFrom("documents")
    .select(["name", "state"])
    .where("name", "in", names)
    .execute();
  return new Map(rows.map((row) => [row.name, new Uint8Array(row.state)]));
}

/** The runs of some students of a session, without output, each student's oldest first. */
export function runsOfStudents(
  db: Db,
  sessionId: string,
  userIds: readonly string[],
): Promise<Omit<RunRow, "output">[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("runs")
    .select([...RUN_COLUMNS_BUT_OUTPUT])
    .where("session_id", "=", sessionId)
    .where("user_id", "in", userIds)
    .orderBy("user_id")
    .orderBy("queued_at")
    .orderBy("id")
    .execute();
}

/** One run's output as stored ("" when the run is gone). */
export async function runOutput(db: Db, runId: string): Promise<string> {
  const row = await db.selectFrom("runs").select("output").where("id", "=", runId).executeTakeFirst();
  return row?.output ?? "";
}

/** A run of runs.csv: its row and the name of its student. */
export type CsvRunRow = Omit<RunRow, "output"> & { name: string };

/** Where a page of `runsPage` ended: the exact timestamp as text (a JS Date drops microseconds). */
export interface RunsCursor {
  queuedAt: string;
  id: string;
}

/**
 * A page of a session's runs (only `userId`'s when given), oldest first, after `cursor`: a
 * keyset page, so a class's thousands of runs are read a page at a time.
 */
export async function runsPage(
  db: Db,
  sessionId: string,
  options: { userId?: string | undefined; after: RunsCursor | null; limit: number },
): Promise<{ rows: CsvRunRow[]; next: RunsCursor | null }> {
  const { after, userId } = options;
  const rows = await db
    .selectFrom("runs")
    .innerJoin("users", "users.id", "runs.user_id")
    .select(RUN_COLUMNS_BUT_OUTPUT.map((column) => `runs.${column}` as const))
    .select(["users.name", sql<string>`runs.queued_at::text`.as("queued_key")])
    .where("runs.session_id", "=", sessionId)
    .$if(userId !== undefined, (q) => q.where("runs.user_id", "=", userId as string))
    .$if(after !== null, (q) =>
      q.where(
        sql<boolean>`(runs.queued_at, runs.id) > (${after?.queuedAt}::timestamptz, ${after?.id}::uuid)`,
      ),
    )
    .orderBy("runs.queued_at")
    .orderBy("runs.id")
    .limit(options.limit)
    .execute();
  const last = rows.at(-1);
  return {
    rows: rows.map(({ queued_key: _, ...row }) => row),
    next: last && rows.length === options.limit ? { queuedAt: last.queued_key, id: last.id } : null,
  };
}

/**
 * What an export of a session (one student's when given) will roughly weigh: the bytes of
 * its documents' states and its runs' output, before compression (a progress bar's total).
 */
export async function exportEstimateBytes(db: Db, sessionId: string, userId?: string): Promise<number> {
  const onlyStudent = (column: string) =>
    userId === undefined ? sql`` : sql`and ${sql.ref(column)} = ${userId}`;
  const { rows } = await sql<{ bytes: string | number }>`
    select
      (select coalesce(sum(octet_length(state)), 0) from documents
        where session_id = ${sessionId} ${onlyStudent("student_id")})
      + (select coalesce(sum(octet_length(output)), 0) from runs
        where session_id = ${sessionId} ${onlyStudent("user_id")}) as bytes`.execute(db);
  return Number(rows[0]?.bytes ?? 0);
}

/** One participant of a session with their name, or undefined when they are not one. */
export function participantOf(db: Db, sessionId: string, userId: string) {
  return db
    .selectFrom("participants")
    .innerJoin("users", "users.id", "participants.user_id")
    .select(["participants.user_id", "users.name", "users.email", "participants.joined_at"])
    .where("participants.session_id", "=", sessionId)
    .where("participants.user_id", "=", userId)
    .executeTakeFirst();
}
