import { ENDPOINTS } from "@observer/protocol";
import type { FastifyInstance } from "fastify";
import { aiAsker } from "../../ai/ask-command.ts";
import { classDigest } from "../../ai/class-digest.ts";
import { connectionTester } from "../../ai/connection-test.ts";
import { aiLogReader } from "../../ai/exchange-log.ts";
import { readAiSettings, writeAiSettings } from "../../ai/teacher-settings.ts";
import type { Ctx } from "../../context.ts";
import { router } from "../../http/route.ts";

/** AI help: the teacher's settings, a student's question (streamed), the teacher's log and class digest. */
export function aiRoutes(app: FastifyInstance, ctx: Ctx): void {
  const route = router(app, ctx);
  const limit = ctx.config.rateLimits.apiPerMinute;

  route(ENDPOINTS.getAiSettings, limit, ({ actor }) => readAiSettings(ctx, actor));

  route(ENDPOINTS.putAiSettings, limit, ({ actor, body }) => writeAiSettings(ctx, actor, body));

  route(ENDPOINTS.testAiSettings, limit, ({ actor }) => connectionTester(ctx, actor));

  route(ENDPOINTS.aiAsk, limit, ({ actor, params, body, reply }) =>
    aiAsker(ctx, actor, params.id, body, (listener) =>
      // The connection closed before the answer was complete: the student left.
      reply.raw.on("close", () => {
        if (!reply.raw.writableFinished) listener();
      }),
    ),
  );

  route(ENDPOINTS.aiLog, limit, ({ actor, params }) => aiLogReader(ctx, actor, params.id));

  route(ENDPOINTS.aiDigest, limit, ({ actor, params }) => classDigest(ctx, actor, params.id));
}
