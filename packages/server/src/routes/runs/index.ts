import { ENDPOINTS } from "@observer/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Ctx } from "../../context.ts";
import { fail } from "../../errors.ts";
import { router } from "../../http/route.ts";
import { runAccess } from "../../runs/run-access.ts";
import { runHistory } from "../../runs/run-history.ts";
import { runStarter } from "../../runs/run-starter.ts";

/** Program runs: the languages available, starting a run, a session's run history, reading one back. The live terminal is a WebSocket. */
export function runRoutes(app: FastifyInstance, ctx: Ctx): void {
  const route = router(app, ctx);
  const limit = ctx.config.rateLimits.apiPerMinute;

  route(ENDPOINTS.languages, limit, async () => ctx.runs.languages());

  // Per student and session: one student's runs never hold up the class or the teacher.
  const runLimit = {
    perUser: ctx.config.runs.perMinute,
    scope: (request: FastifyRequest) => `session:${(request.params as { id?: string }).id ?? ""}`,
  };
  route(ENDPOINTS.createRun, runLimit, async ({ actor, params, body }) => ({
    run: await runStarter(ctx, actor, params.id, body),
  }));

  route(ENDPOINTS.listSessionRuns, limit, async ({ actor, params, query }) => ({
    runs: await runHistory(ctx, actor, params.id, query),
  }));

  route(ENDPOINTS.getRun, limit, async ({ actor, params }) => {
    const access = await runAccess(ctx, actor, params.runId);
    if (!access.found || !access.allowed) throw fail("not_found");
    return { run: access.run };
  });
}
