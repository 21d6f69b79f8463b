import type { Hand } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { canResolveHand } from "../auth/policies.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { resolveHandRow } from "../storage/hands.ts";
import { changeHand } from "./hand-queue.ts";
import { sessionAccess } from "./session-access.ts";

/**
 * Resolves a hand: the session's teacher (or an admin) after helping, or its student lowering
 * it. The hands behind it in the waiting list move up. Idempotent: resolving a resolved hand
 * answers it as it is. Another student's hand is hidden from a student (404).
 */
export async function handResolver(
  ctx: Ctx,
  actor: Actor,
  props: { sessionId: string; handId: string },
): Promise<Hand> {
  const { session } = await sessionAccess(ctx, actor, props.sessionId);
  if (session.status === "ended") throw fail("session_ended");
  const hand = await changeHand(ctx, props.sessionId, props.handId, async (trx, before) => {
    if (!canResolveHand(actor, session, before)) throw fail("not_found");
    if (before.status === "resolved") return false;
    await resolveHandRow(trx, before.id);
    return true;
  });
  ctx.log.info({ sessionId: props.sessionId, handId: hand.id, by: actor.id }, "hand resolved");
  return hand;
}
