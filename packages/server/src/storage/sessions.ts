import { sql } from "kysely";
import type { SessionViewRow } from "../presenters.ts";
import type { Db } from "./database.ts";

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

/** The sessions a user teaches or has joined: open ones first, newest first. */
export function sessionViewsOf(db: Db, userId: string): Promise<SessionViewRow[]> {
  return sessionViews(db)
    .where((eb) =>
      eb.or([
        eb("sessions.teacher_id", "=", userId),
        eb.exists(
          eb
            .selectFrom("participants")
            .select("participants.user_id")
            .whereRef("participants.session_id", "=", "sessions.id")
            .where("participants.user_id", "=", userId),
        ),
      ]),
    )
    .orderBy("sessions.status", "asc")
    .orderBy("sessions.created_at", "desc")
    .execute();
}

/** Every session (at most `limit`), for administrators: open ones first, newest first. */
export function allSessionViews(db: Db, limit = 1000): Promise<SessionViewRow[]> {
  return sessionViews(db)
    .orderBy("sessions.status", "asc")
    .orderBy("sessions.created_at", "desc")
    .limit(limit)
    .execute();
}

/**
 * Whether a session is active, holding its row until the transaction ends: changes made under
 * it (the help queue's) take turns, ending the session waits for the change under way, and a
 * change after the end sees it ended. Inserts that only reference the session are not held up.
 */
export async function lockActiveSession(db: Db, sessionId: string): Promise<boolean> {
  const row = await db
    .selectFrom("sessions")
    .select("status")
    .where("id", "=", sessionId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  return row?.status === "active";
}
