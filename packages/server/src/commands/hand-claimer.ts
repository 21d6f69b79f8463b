import type { Hand } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { canClaimHand } from "../auth/policies.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { claimHandRow } from "../storage/hands.ts";
import { changeHandAs } from "./hand-queue.ts";

/**
 * The session's teacher (or an admin) claims a hand: it is `helping`, with them as its helper,
 * and leaves the waiting list (the hands behind it move up). Claiming a hand someone is
 * already helping makes the caller its helper; a resolved hand cannot be claimed (409
 * `hand_resolved`).
 */
export function handClaimer(
  ctx: Ctx,
  actor: Actor,
  props: { sessionId: string; handId: string },
): Promise<Hand> {
  return changeHandAs(
    ctx,
    actor,
    props,
    "claimed",
    async (db, before) => {
      if (before.status === "resolved") throw fail("hand_resolved");
      await claimHandRow(db, before.id, actor.id);
      return true;
    },
    (session) => {
      if (!canClaimHand(actor, session))
        throw fail("forbidden", "Only the session's teacher can claim a hand.");
    },
  );
}
