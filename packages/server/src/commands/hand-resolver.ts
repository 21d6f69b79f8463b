import type { Hand } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { canResolveHand } from "../auth/policies.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { resolveHandRow } from "../storage/hands.ts";
import { changeHandAs } from "./hand-queue.ts";

/**
 * Resolves a hand: the session's teacher (or an admin) after helping, or its student lowering
 * it. The hands behind it in the waiting list move up. Idempotent: resolving a resolved hand
 * answers it as it is. Another student's hand is hidden from a student (404).
 */
export function handResolver(
  ctx: Ctx,
  actor: Actor,
  props: { sessionId: string; handId: string },
): Promise<Hand> {
  return changeHandAs(ctx, actor, props, "resolved", async (db, before, session) => {
    if (!canResolveHand(actor, session, before)) throw fail("not_found");
    if (before.status === "resolved") return false;
    await resolveHandRow(db, before.id);
    return true;
  });
}
