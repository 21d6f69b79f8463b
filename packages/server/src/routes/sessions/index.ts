import { ENDPOINTS } from "@observer/protocol";
import type { FastifyInstance } from "fastify";
import { participantRemover } from "../../commands/participant-remover.ts";
import { sessionAccess } from "../../commands/session-access.ts";
import { sessionCreator } from "../../commands/session-creator.ts";
import { sessionDeleter } from "../../commands/session-deleter.ts";
import { sessionEnder } from "../../commands/session-ender.ts";
import { sessionJoiner } from "../../commands/session-joiner.ts";
import { sessionUpdater } from "../../commands/session-updater.ts";
import type { Ctx } from "../../context.ts";
import { router } from "../../http/route.ts";
import { presentParticipant, presentSession } from "../../presenters.ts";
import { listParticipants } from "../../storage/participants.ts";
import { sessionViewsOf } from "../../storage/sessions.ts";

/** Coding sessions: create, list, join by code, view, change, end. */
export function sessionRoutes(app: FastifyInstance, ctx: Ctx): void {
  const route = router(app, ctx);
  const limit = ctx.config.rateLimits.apiPerMinute;

  route(ENDPOINTS.createSession, limit, async ({ actor, body }) => ({
    session: await sessionCreator(ctx, actor, body),
  }));

  route(ENDPOINTS.listSessions, limit, async ({ actor }) => ({
    sessions: (await sessionViewsOf(ctx.db, actor.id)).map(presentSession),
  }));

  route(ENDPOINTS.joinSession, limit, async ({ actor, body }) => ({
    session: await sessionJoiner(ctx, actor, body.joinCode),
  }));

  route(ENDPOINTS.getSession, limit, async ({ actor, params }) => {
    const { session, manage } = await sessionAccess(ctx, actor, params.id);
    if (!manage) return { session: presentSession(session) };
    const [participants, online] = await Promise.all([
      listParticipants(ctx.db, session.id),
      ctx.presence.onlineUsers(session.id),
    ]);
    return {
      session: presentSession(session),
      participants: participants.map((p) => presentParticipant(p, online.has(p.user_id))),
    };
  });

  route(ENDPOINTS.updateSession, limit, async ({ actor, params, body }) => ({
    session: await sessionUpdater(ctx, actor, params.id, body),
  }));

  route(ENDPOINTS.endSession, limit, async ({ actor, params }) => ({
    session: await sessionEnder(ctx, actor, params.id),
  }));

  route(ENDPOINTS.deleteSession, limit, async ({ actor, params }) => {
    await sessionDeleter(ctx, actor, params.id);
    return undefined;
  });

  route(ENDPOINTS.removeParticipant, limit, async ({ actor, params }) => {
    await participantRemover(ctx, actor, { sessionId: params.id, userId: params.userId });
    return undefined;
  });
}
