import { ENDPOINTS } from "@observer/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Ctx } from "../../context.ts";
import { githubConfig } from "../../github/github-client.ts";
import { githubSettings, githubUnlinker } from "../../github/github-settings.ts";
import { githubCallback } from "../../github/github-signin.ts";
import { authorizeUrl, callbackUrl } from "../../github/oauth-flow.ts";
import { sessionArchiver } from "../../github/session-archive.ts";
import { githubStateCookie } from "../../github/state-cookie.ts";
import { studentSaver } from "../../github/student-save.ts";
import { refreshCookies } from "../../http/refresh-cookie.ts";
import { router } from "../../http/route.ts";

/** The origin the browser reached us at (behind a trusted proxy: the one it was forwarded for). */
const originOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

/** GitHub: sign in and link (OAuth), unlink, a student's save, the teacher's archive. */
export function githubRoutes(app: FastifyInstance, ctx: Ctx): void {
  const route = router(app, ctx);
  const cookies = refreshCookies(ctx.config.production);
  const stateCookie = githubStateCookie(ctx.config.production);
  const { authPerMinute, apiPerMinute } = ctx.config.rateLimits;
  const perAddress = { perAddress: authPerMinute };

  route(ENDPOINTS.githubLogin, perAddress, async ({ request, reply }) => {
    const location = await authorizeUrl(ctx, {
      intent: "login",
      userId: null,
      requestOrigin: originOf(request),
    });
    stateCookie.set(reply, location);
    return { location };
  });

  route(ENDPOINTS.githubLink, apiPerMinute, async ({ actor, request, reply }) => {
    const url = await authorizeUrl(ctx, {
      intent: "link",
      userId: actor.id,
      requestOrigin: originOf(request),
    });
    stateCookie.set(reply, url);
    return { url };
  });

  route(ENDPOINTS.githubCallback, perAddress, async ({ query, request, reply }) => {
    githubConfig(ctx);
    stateCookie.check(request, reply, query.state);
    const outcome = await githubCallback(ctx, { ...query, redirectUri: callbackUrl(ctx, originOf(request)) });
    switch (outcome.kind) {
      case "login":
        cookies.set(reply, outcome.refreshToken);
        return { location: "/" };
      case "linked":
        return { location: "/settings?github=linked" };
      case "cancelled":
        return {
          location: outcome.intent === "link" ? "/settings?github=cancelled" : "/login?github=cancelled",
        };
    }
  });

  route(ENDPOINTS.githubStatus, apiPerMinute, async ({ actor }) => githubSettings(ctx, actor.id));

  route(ENDPOINTS.githubUnlink, apiPerMinute, async ({ actor }) => {
    await githubUnlinker(ctx, actor.id);
    return undefined;
  });

  route(ENDPOINTS.githubSave, apiPerMinute, ({ actor, params, body }) =>
    studentSaver(ctx, actor, params.id, body),
  );

  route(ENDPOINTS.archiveSession, apiPerMinute, ({ actor, params, body }) =>
    sessionArchiver(ctx, actor, params.id, body),
  );
}
