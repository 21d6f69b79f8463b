import {
  createSessionBodySchema,
  ENDPOINTS,
  joinSessionBodySchema,
  updateSessionBodySchema,
} from "@observer/protocol";
import type { FastifyInstance } from "fastify";
import { participantRemover } from "../../commands/participant-remover.ts";
import { sessionAccess } from "../../commands/session-access.ts";
import { sessionCreator } from "../../commands/session-creator.ts";
import { sessionEnder } from "../../commands/session-ender.ts";
import { sessionJoiner } from "../../commands/session-joiner.ts";
import { sessionUpdater } from "../../commands/session-updater.ts";
import type { Ctx } from "../../context.ts";
import { requireActor } from "../../http/request-auth.ts";
import { route } from "../../http/route.ts";
import { parseInput, uuidParam } from "../../http/validation.ts";
import { presentParticipant, presentSession } from "../../presenters.ts";
import { listParticipants, sessionViews } from "../../queries/sessions.ts";

/** Coding sessions: create, list, join by code, view, change, end. */
export function sessionRoutes(app: FastifyInstance, ctx: Ctx): void {
  const limit = ctx.config.rateLimits.apiPerMinute;

  route(app, ENDPOINTS.createSession, limit, async (request) => {
    const actor = await requireActor(ctx, request);
    const body = parseInput(createSessionBodySchema, request.body);
    return { session: await sessionCreator(ctx, actor, body) };
  });

  route(app, ENDPOINTS.listSessions, limit, async (request) => {
    const actor = await requireActor(ctx, request);
    const rows = await sessionViews(ctx.db)
      .where((eb) =>
        eb.or([
          eb("sessions.teacher_id", "=", actor.id),
          eb.exists(
            eb
              .selectFrom("participants")
              .select("participants.user_id")
              .whereRef("participants.session_id", "=", "sessions.id")
              .where("participants.user_id", "=", actor.id),
          ),
        ]),
      )
      .orderBy("sessions.status", "asc")
      .orderBy("sessions.created_at", "desc")
      .execute();
    return { sessions: rows.map(presentSession) };
  });

  route(app, ENDPOINTS.joinSession, limit, async (request) => {
    const actor = await requireActor(ctx, request);
    const { joinCode } = parseInput(joinSessionBodySchema, request.body);
    return { session: await sessionJoiner(ctx, actor, joinCode) };
  });

  route(app, ENDPOINTS.getSession, limit, async (request) => {
    const actor = await requireActor(ctx, request);
    const { session, manage } = await sessionAccess(ctx, actor, uuidParam(request.params));
    if (!manage) return { session: presentSession(session) };
    const participants = await listParticipants(ctx.db, session.id);
    return {
      session: presentSession(session),
      participants: participants.map((p) =>
        presentParticipant(p, ctx.presence.isOnline(session.id, p.user_id)),
      ),
    };
  });

  route(app, ENDPOINTS.updateSession, limit, async (request) => {
    const actor = await requireActor(ctx, request);
    const body = parseInput(updateSessionBodySchema, request.body);
    return { session: await sessionUpdater(ctx, actor, uuidParam(request.params), body) };
  });

  route(app, ENDPOINTS.endSession, limit, async (request) => {
    const actor = await requireActor(ctx, request);
    return { session: await sessionEnder(ctx, actor, uuidParam(request.params)) };
  });

  route(app, ENDPOINTS.removeParticipant, limit, async (request) => {
    const actor = await requireActor(ctx, request);
    const sessionId = uuidParam(request.params);
    const userId = uuidParam(request.params, "userId");
    await participantRemover(ctx, actor, { sessionId, userId });
    return undefined;
  });
}
