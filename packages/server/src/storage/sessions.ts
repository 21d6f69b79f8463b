import { sql } from "kysely";
import type { SessionViewRow } from "../presenters.ts";
import type { Db } from "../storage/database.ts";

/** Sessions with their teacher's name and participant count, ready for presentSession. */
export function sessionViews(db: Db) {
  return db
    .selectFrom("sessions")
    .innerJoin("users as teacher", "teacher.id", "sessions.teacher_id")
    .selectAll("sessions")
    .select([
      "teacher.name as teacher_name",
      sql<number>`(select count(*) from participants p where p.session_id = sessions.id)`.as(
        "participant_count",
      ),
    ]);
}

export async function findSessionView(db: Db, id: string): Promise<SessionViewRow | undefined> {
  return sessionViews(db).where("sessions.id", "=", id).executeTakeFirst();
}

export async function isParticipant(db: Db, sessionId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("participants")
    .select("user_id")
    .where("session_id", "=", sessionId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row !== undefined;
}

export function listParticipants(db: Db, sessionId: string) {
  return db
    .selectFrom("participants")
    .innerJoin("users", "users.id", "participants.user_id")
    .select(["participants.user_id", "users.name", "users.email", "participants.joined_at"])
    .where("participants.session_id", "=", sessionId)
    .orderBy("users.name")
    .execute();
}
