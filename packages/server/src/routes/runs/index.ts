import { createRunBodySchema, ENDPOINTS } from "@observer/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { runAccess } from "../../commands/run-access.ts";
import { checkCodeSize, runStarter } from "../../commands/run-starter.ts";
import type { Ctx } from "../../context.ts";
import { fail } from "../../errors.ts";
import { requireActor } from "../../http/request-auth.ts";
import { route } from "../../http/route.ts";
import { parseInput, uuidParam } from "../../http/validation.ts";

/** Program runs: the languages available, starting a run, reading one back. The live terminal is a WebSocket. */
export function runRoutes(app: FastifyInstance, ctx: Ctx): void {
  const limit = ctx.config.rateLimits.apiPerMinute;

  route(app, ENDPOINTS.languages, limit, async (request) => {
    await requireActor(ctx, request);
    return ctx.runs.languages();
  });

  // Per student and session: one student's runs never hold up the class or the teacher.
  const runLimit = {
    perUser: ctx.config.runs.perMinute,
    scope: (request: FastifyRequest) => `session:${(request.params as { id?: string }).id ?? ""}`,
  };
  route(app, ENDPOINTS.createRun, runLimit, async (request) => {
    const actor = await requireActor(ctx, request);
    checkCodeSize(request.body);
    const body = parseInput(createRunBodySchema, request.body);
    return { run: await runStarter(ctx, actor, uuidParam(request.params), body) };
  });

  route(app, ENDPOINTS.getRun, limit, async (request) => {
    const actor = await requireActor(ctx, request);
    const access = await runAccess(ctx, actor, uuidParam(request.params, "runId"));
    if (!access.found || !access.allowed) throw fail("not_found");
    return { run: access.run };
  });
}
