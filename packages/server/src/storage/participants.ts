import type { Db } from "./database.ts";

export async function isParticipant(db: Db, sessionId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("participants")
    .select("user_id")
    .where("session_id", "=", sessionId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** A session's participants with their names, by name. */
export function listParticipants(db: Db, sessionId: string) {
  return db
    .selectFrom("participants")
    .innerJoin("users", "users.id", "participants.user_id")
    .select(["participants.user_id", "users.name", "users.email", "participants.joined_at"])
    .where("participants.session_id", "=", sessionId)
    .orderBy("users.name")
    .execute();
}
