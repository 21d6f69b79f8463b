import { ENDPOINTS, studentDocumentName } from "@observer/protocol";
import type { FastifyInstance } from "fastify";
import { sessionAccess } from "../../commands/session-access.ts";
import type { Ctx } from "../../context.ts";
import { fail } from "../../errors.ts";
import { sessionAnalytics } from "../../history/analytics.ts";
import { analyticsCsv } from "../../history/analytics-csv.ts";
import { studentHistoryAccess } from "../../history/history-access.ts";
import { codeAt, playbackFrames } from "../../history/replay.ts";
import { studentSessions } from "../../history/student-sessions.ts";
import { studentTimeline } from "../../history/timeline.ts";
import { router } from "../../http/route.ts";
import { provenanceOfSession } from "../../storage/edit-events.ts";

/** After the lab: a student's timeline, code at a moment and playback; a session's analytics; a student's sessions. */
export function historyRoutes(app: FastifyInstance, ctx: Ctx): void {
  const route = router(app, ctx);
  const limit = ctx.config.rateLimits.apiPerMinute;

  route(ENDPOINTS.studentTimeline, limit, async ({ actor, params }) => {
    const { student } = await studentHistoryAccess(ctx, actor, params.id, params.userId);
    return { events: await studentTimeline(ctx.db, params.id, student.id) };
  });

  route(ENDPOINTS.studentCodeAt, limit, async ({ actor, params, query }) => {
    const { session, student } = await studentHistoryAccess(ctx, actor, params.id, params.userId);
    const at = new Date(query.at);
    const moment = await codeAt(ctx.db, studentDocumentName(session.id, student.id), at, session.language);
    return { ...moment, at: at.toISOString() };
  });

  route(ENDPOINTS.studentPlayback, limit, async ({ actor, params }) => {
    const { session, student } = await studentHistoryAccess(ctx, actor, params.id, params.userId);
    const [frames, events, provenance] = await Promise.all([
      playbackFrames(ctx.db, studentDocumentName(session.id, student.id), session.language),
      studentTimeline(ctx.db, session.id, student.id),
      provenanceOfSession(ctx.db, session.id, student.id),
    ]);
    const lastAt = [frames.at(-1)?.at, events.at(-1)?.at].filter((t): t is string => t !== undefined);
    const to = session.ended_at ?? new Date(Math.max(Date.now(), ...lastAt.map((t) => Date.parse(t))));
    return {
      from: session.created_at.toISOString(),
      to: to.toISOString(),
      frames,
      events,
      provenance: provenance.get(student.id) ?? { typedChars: 0, pastedChars: 0 },
    };
  });

  route(ENDPOINTS.sessionAnalytics, limit, async ({ actor, params }) => {
    const { manage } = await sessionAccess(ctx, actor, params.id);
    if (!manage) throw fail("forbidden", "Only the session's teacher sees its analytics.");
    return sessionAnalytics(ctx.db, params.id);
  });

  route(ENDPOINTS.sessionAnalyticsCsv, limit, async ({ actor, params }) => {
    const { session, manage } = await sessionAccess(ctx, actor, params.id);
    if (!manage) throw fail("forbidden", "Only the session's teacher sees its analytics.");
    return { body: await analyticsCsv(ctx.db, session.id), filename: `${session.name} - analytics.csv` };
  });

  route(ENDPOINTS.studentSessions, limit, async ({ actor, params }) =>
    studentSessions(ctx, actor, params.userId),
  );
}
