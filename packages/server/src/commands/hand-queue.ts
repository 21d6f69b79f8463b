import type { Hand } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { publishSessionEvent } from "../bus/session-events.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import type { SessionViewRow } from "../presenters.ts";
import { presentHand } from "../presenters.ts";
import type { Db } from "../storage/database.ts";
import { findHandView, lockHand, openHandViews, waitingHandViewsAfter } from "../storage/hands.ts";
import type { HandRow } from "../storage/schema.ts";
import { lockActiveSession } from "../storage/sessions.ts";
import { sessionAccess } from "./session-access.ts";

/**
 * The help queue as the caller may see it: for whoever manages the session every waiting and
 * helping hand, oldest first; for a member student their own open hand (if any).
 */
export async function handQueue(ctx: Ctx, actor: Actor, sessionId: string): Promise<Hand[]> {
  const { manage } = await sessionAccess(ctx, actor, sessionId);
  const rows = await openHandViews(ctx.db, sessionId, manage ? undefined : actor.id);
  return rows.map(presentHand);
}

/** A hand of the session as the API shows it (it exists: the caller just wrote or locked it). */
export async function loadHand(db: Db, sessionId: string, handId: string): Promise<Hand> {
  const row = await findHandView(db, sessionId, handId);
  if (!row) throw fail("not_found");
  return presentHand(row);
}

/**
 * Tells the session channel about each hand (the channel sends each to the teacher and its
 * student). The messages are handed to the bus at once, in order, so a caller holding the
 * session (see changeHand) fixes their order before letting the next change in.
 */
export function publishHands(ctx: Ctx, sessionId: string, hands: Hand[]): Promise<void> {
  return Promise.all(
    hands.map((hand) => publishSessionEvent(ctx.bus, sessionId, { type: "hand_update", hand })),
  ).then(() => undefined);
}

/**
 * Runs a change of the help queue in a transaction that holds the session (lockActiveSession:
 * changes of one session's queue take turns; after its end they are 410). `work` returns the
 * result and the hands to announce; they are read and handed to the bus before the commit, so
 * the channel hears the changes in the order they were made, even from several instances.
 */
export async function inQueueTransaction<T>(
  ctx: Ctx,
  sessionId: string,
  work: (trx: Db) => Promise<{ result: T; announce: Hand[] }>,
): Promise<T> {
  let published: Promise<void> = Promise.resolve();
  const result = await ctx.db.transaction().execute(async (trx) => {
    if (!(await lockActiveSession(trx, sessionId))) throw fail("session_ended");
    const done = await work(trx);
    published = publishHands(ctx, sessionId, done.announce);
    // Awaited after the commit; if the commit fails first, its error is the one that counts.
    published.catch(() => {});
    return done.result;
  });
  await published;
  return result;
}

/** A change of a locked hand: checks the row (throwing a refusal), writes, and says whether it wrote. */
export type HandChange = (db: Db, before: HandRow) => Promise<boolean>;

/**
 * Changes one hand of an active session (see inQueueTransaction). The channel hears the hand's
 * new state and, when it left the waiting list, the new place of every hand behind it.
 */
export function changeHand(ctx: Ctx, sessionId: string, handId: string, change: HandChange): Promise<Hand> {
  return inQueueTransaction(ctx, sessionId, async (trx) => {
    const before = await lockHand(trx, sessionId, handId);
    if (!before) throw fail("not_found");
    const changed = await change(trx, before);
    const hand = await loadHand(trx, sessionId, handId);
    if (!changed) return { result: hand, announce: [] };
    const movedUp =
      before.status === "waiting" && hand.status !== "waiting"
        ? (await waitingHandViewsAfter(trx, sessionId, handId)).map(presentHand)
        : [];
    return { result: hand, announce: [hand, ...movedUp] };
  });
}

/**
 * Claims or resolves a hand as `actor` (see handClaimer, handResolver): the session as they
 * may see it, `allowed` refusing before anything is locked, 410 once the session has ended,
 * then the change of the locked hand (given the session) and a log line.
 */
export async function changeHandAs(
  ctx: Ctx,
  actor: Actor,
  props: { sessionId: string; handId: string },
  what: "claimed" | "resolved",
  change: (db: Db, before: HandRow, session: SessionViewRow) => Promise<boolean>,
  allowed: (session: SessionViewRow) => void = () => {},
): Promise<Hand> {
  const { session } = await sessionAccess(ctx, actor, props.sessionId);
  allowed(session);
  if (session.status === "ended") throw fail("session_ended");
  const hand = await changeHand(ctx, props.sessionId, props.handId, (db, before) =>
    change(db, before, session),
  );
  ctx.log.info({ sessionId: props.sessionId, handId: hand.id, by: actor.id }, `hand ${what}`);
  return hand;
}
