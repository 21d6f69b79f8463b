import { randomUUID } from "node:crypto";
import type { Hand, RaiseHandBody } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { canRaiseHand } from "../auth/policies.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { upsertOpenHand } from "../storage/hands.ts";
import { inQueueTransaction, loadHand } from "./hand-queue.ts";
import { sessionAccess } from "./session-access.ts";

/**
 * A member student raises their hand in a session's help queue, with an optional message and
 * line. While they have an open (waiting or helping) hand, raising again changes its message
 * and line (those given) and keeps its place: `raised` is false then. The teacher and the
 * student hear it on the session channel.
 */
export async function handRaiser(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
  body: RaiseHandBody,
): Promise<{ hand: Hand; raised: boolean }> {
  const { session } = await sessionAccess(ctx, actor, sessionId);
  if (!canRaiseHand(actor, session)) throw fail("forbidden", "Only the session's students raise hands.");
  if (session.status === "ended") throw fail("session_ended");
  const raised = await inQueueTransaction(ctx, sessionId, async (trx) => {
    const saved = await upsertOpenHand(trx, {
      id: randomUUID(),
      sessionId,
      userId: actor.id,
      message: body.message,
      line: body.line,
    });
    const hand = await loadHand(trx, sessionId, saved.id);
    return { result: { hand, raised: saved.inserted }, announce: [hand] };
  });
  ctx.log.info({ sessionId, handId: raised.hand.id, by: actor.id, raised: raised.raised }, "hand raised");
  return raised;
}
