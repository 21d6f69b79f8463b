import { sql } from "kysely";
import type { Db } from "./database.ts";
import type { HandRow } from "./schema.ts";

/** Queries on the hands table (migrations/008_hands.sql): the help queue. */

/** A hand with its student's and helper's names and its place in the queue, for presentHand. */
export type HandViewRow = HandRow & {
  student_name: string;
  helper_name: string | null;
  /** 1-based among the session's waiting hands in order of raising; null when not waiting. */
  position: number | string | null;
};

const OPEN = ["waiting", "helping"] as const;

/** Hands with what presentHand needs; `position` counts the waiting hands raised up to each. */
function handViews(db: Db) {
  return db
    .selectFrom("hands")
    .innerJoin("users as student", "student.id", "hands.user_id")
    .leftJoin("users as helper", "helper.id", "hands.helper_id")
    .selectAll("hands")
    .select([
      "student.name as student_name",
      "helper.name as helper_name",
      sql<number | string | null>`case when hands.status = 'waiting' then (
        select count(*) from hands w
        where w.session_id = hands.session_id and w.status = 'waiting'
          and (w.created_at, w.id) <= (hands.created_at, hands.id)
      ) end`.as("position"),
    ]);
}

/** One hand of a session, or undefined (also for another session's hand). */
export function findHandView(db: Db, sessionId: string, handId: string): Promise<HandViewRow | undefined> {
  return handViews(db)
    .where("hands.session_id", "=", sessionId)
    .where("hands.id", "=", handId)
    .executeTakeFirst();
}

/** A session's open (waiting and helping) hands, oldest first; only one student's with `userId`. */
export function openHandViews(db: Db, sessionId: string, userId?: string): Promise<HandViewRow[]> {
  let query = handViews(db).where("hands.session_id", "=", sessionId).where("hands.status", "in", OPEN);
  if (userId) query = query.where("hands.user_id", "=", userId);
  return query.orderBy("hands.created_at").orderBy("hands.id").execute();
}

/** The waiting hands raised after the given hand, oldest first: those that move up when it leaves. */
export function waitingHandViewsAfter(db: Db, sessionId: string, handId: string): Promise<HandViewRow[]> {
  return handViews(db)
    .where("hands.session_id", "=", sessionId)
    .where("hands.status", "=", "waiting")
    .where(
      sql<boolean>`(hands.created_at, hands.id) > (select h.created_at, h.id from hands h where h.id = ${handId})`,
    )
    .orderBy("hands.created_at")
    .orderBy("hands.id")
    .execute();
}

/**
 * Raises a student's hand, or, when they already have an open one, changes its message and
 * line (those given; the others stay). One statement on the partial unique index of open
 * hands, so two raises at once still make one hand. Says whether the hand is new.
 */
export async function upsertOpenHand(
  db: Db,
  props: { id: string; sessionId: string; userId: string; message?: string; line?: number | null },
): Promise<{ id: string; inserted: boolean }> {
  const row = await db
    .insertInto("hands")
    .values({
      id: props.id,
      session_id: props.sessionId,
      user_id: props.userId,
      message: props.message ?? "",
      line: props.line ?? null,
    })
    .onConflict((oc) =>
      oc
        .columns(["session_id", "user_id"])
        // The predicate of hands_one_open, written out (a parameter would not match the index).
        .where(sql<boolean>`status in ('waiting', 'helping')`)
        .doUpdateSet((eb) => ({
          message: props.message ?? eb.ref("hands.message"),
          line: props.line !== undefined ? props.line : eb.ref("hands.line"),
        })),
    )
    // xmax is 0 for a row this statement inserted, set for one it updated.
    .returning(["id", sql<boolean>`(xmax = 0)`.as("inserted")])
    .executeTakeFirstOrThrow();
  return { id: row.id, inserted: row.inserted };
}

/** A hand of a session, locked until the transaction ends (the changes below take turns). */
export function lockHand(db: Db, sessionId: string, handId: string): Promise<HandRow | undefined> {
  return db
    .selectFrom("hands")
    .selectAll()
    .where("session_id", "=", sessionId)
    .where("id", "=", handId)
    .forUpdate()
    .executeTakeFirst();
}

/** Someone is helping: the hand is `helping` with them as its helper (claimed when first claimed). */
export async function claimHandRow(db: Db, handId: string, helperId: string): Promise<void> {
  await db
    .updateTable("hands")
    .set((eb) => ({
      status: "helping",
      helper_id: helperId,
      claimed_at: eb.fn.coalesce("claimed_at", sql<Date>`now()`),
    }))
    .where("id", "=", handId)
    .execute();
}

/** The hand is resolved (or lowered by its student). */
export async function resolveHandRow(db: Db, handId: string): Promise<void> {
  await db
    .updateTable("hands")
    .set({ status: "resolved", resolved_at: sql<Date>`now()` })
    .where("id", "=", handId)
    .execute();
}
