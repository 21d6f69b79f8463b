import { sql } from "kysely";
import type { Db } from "./database.ts";

/** How long a sign-in or link may take between leaving for GitHub and coming back. */
export const OAUTH_STATE_TTL_MINUTES = 10;

/** Records a new OAuth state (single use, see claimOauthState). */
export async function insertOauthState(
  db: Db,
  props: { state: string; intent: "login" | "link"; userId: string | null },
): Promise<void> {
  await db
    .insertInto("oauth_states")
    .values({ state: props.state, intent: props.intent, user_id: props.userId })
    .execute();
  // Old states are of no use to anyone: dropped as new ones come.
  await db
    .deleteFrom("oauth_states")
    .where(sql<boolean>`created_at < now() - make_interval(mins => ${OAUTH_STATE_TTL_MINUTES * 6})`)
    .execute();
}

/**
 * Uses a state once: marks it used and returns its intent, or undefined when it is unknown,
 * already used or older than OAUTH_STATE_TTL_MINUTES (decided by the database's clock).
 */
export function claimOauthState(db: Db, state: string) {
  return db
    .updateTable("oauth_states")
    .set({ used_at: sql`now()` })
    .where("state", "=", state)
    .where("used_at", "is", null)
    .where(sql<boolean>`created_at > now() - make_interval(mins => ${OAUTH_STATE_TTL_MINUTES})`)
    .returning(["intent", "user_id"])
    .executeTakeFirst();
}
