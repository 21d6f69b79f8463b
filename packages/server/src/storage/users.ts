import type { Db } from "./database.ts";

/** Every account, oldest first. */
export function listUsers(db: Db) {
  return db.selectFrom("users").selectAll().orderBy("created_at").execute();
}

/** Whether any account exists yet (the first one becomes the administrator). */
export async function hasAnyUser(db: Db): Promise<boolean> {
  const row = await db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  return row !== undefined;
}
