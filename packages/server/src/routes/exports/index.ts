import { ENDPOINTS } from "@observer/protocol";
import type { FastifyInstance } from "fastify";
import type { Ctx } from "../../context.ts";
import { sessionExporter, studentExporter } from "../../export/exporters.ts";
import { router } from "../../http/route.ts";

/** Exports as zip files, streamed: a whole session (its teacher), one student's work. */
export function exportRoutes(app: FastifyInstance, ctx: Ctx): void {
  const route = router(app, ctx);
  const limit = ctx.config.rateLimits.apiPerMinute;

  route(ENDPOINTS.exportSession, limit, ({ actor, params }) => sessionExporter(ctx, actor, params.id));

  route(ENDPOINTS.exportStudent, limit, ({ actor, params }) =>
    studentExporter(ctx, actor, params.id, params.userId),
  );
}
