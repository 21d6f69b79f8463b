import { ENDPOINTS } from "@observer/protocol";
import type { FastifyInstance } from "fastify";
import type { Ctx } from "../context.ts";
import { isDirectLoopback } from "../http/client-address.ts";
import { buildOpenApi } from "../http/openapi.ts";
import { router } from "../http/route.ts";
import { hasAnyUser } from "../storage/users.ts";

/** Health, public configuration and the OpenAPI document. */
export function systemRoutes(app: FastifyInstance, ctx: Ctx): void {
  const route = router(app, ctx);
  route(ENDPOINTS.health, null, async () => ({ status: "ok" as const }));

  route(ENDPOINTS.config, ctx.config.rateLimits.apiPerMinute, async ({ request }) => {
    const firstAccount = !(await hasAnyUser(ctx.db));
    return {
      teacherSignup: ctx.config.teacherSignup,
      firstAccount,
      setupTokenRequired: firstAccount && !isDirectLoopback(request),
      github: ctx.config.github !== null,
    };
  });

  const openApi = buildOpenApi();
  app.get("/api/openapi.json", async () => openApi);
}
