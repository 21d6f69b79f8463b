import { ENDPOINTS } from "@observer/protocol";
import type { FastifyInstance } from "fastify";
import { handClaimer } from "../../commands/hand-claimer.ts";
import { handQueue } from "../../commands/hand-queue.ts";
import { handRaiser } from "../../commands/hand-raiser.ts";
import { handResolver } from "../../commands/hand-resolver.ts";
import type { Ctx } from "../../context.ts";
import { router } from "../../http/route.ts";

/** The help queue of a session: raise a hand, list the queue, claim and resolve a hand. */
export function handRoutes(app: FastifyInstance, ctx: Ctx): void {
  const route = router(app, ctx);
  const limit = ctx.config.rateLimits.apiPerMinute;

  route(ENDPOINTS.raiseHand, limit, async ({ actor, params, body, answerWithAlsoStatus }) => {
    const { hand, raised } = await handRaiser(ctx, actor, params.id, body);
    // The student's open hand was already there: 200 with it (message and line updated).
    if (!raised) answerWithAlsoStatus();
    return { hand };
  });

  route(ENDPOINTS.listHands, limit, async ({ actor, params }) => ({
    hands: await handQueue(ctx, actor, params.id),
  }));

  route(ENDPOINTS.claimHand, limit, async ({ actor, params }) => ({
    hand: await handClaimer(ctx, actor, { sessionId: params.id, handId: params.handId }),
  }));

  route(ENDPOINTS.resolveHand, limit, async ({ actor, params }) => ({
    hand: await handResolver(ctx, actor, { sessionId: params.id, handId: params.handId }),
  }));
}
