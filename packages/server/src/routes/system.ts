import { ENDPOINTS } from "@observer/protocol";
import type { FastifyInstance } from "fastify";
import type { Ctx } from "../context.ts";
import { isDirectLoopback } from "../http/client-address.ts";
import { buildOpenApi } from "../http/openapi.ts";
import { route } from "../http/route.ts";

/** Health, public configuration and the OpenAPI document. */
export function systemRoutes(app: FastifyInstance, ctx: Ctx): void {
  route(app, ENDPOINTS.health, null, async () => ({ status: "ok" }));

  route(app, ENDPOINTS.config, ctx.config.rateLimits.apiPerMinute, async (request) => {
    const anyUser = await ctx.db.selectFrom("users").select("id").limit(1).executeTakeFirst();
    return {
      teacherSignup: ctx.config.teacherSignup,
      firstAccount: !anyUser,
      setupTokenRequired: !anyUser && !isDirectLoopback(request),
    };
  });

  const openApi = buildOpenApi();
  app.get("/api/openapi.json", async () => openApi);
}
