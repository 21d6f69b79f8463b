import { ENDPOINTS } from "@observer/protocol";
import type { FastifyInstance } from "fastify";
import { accountRegistrar } from "../../commands/account-registrar.ts";
import { credentialsChecker } from "../../commands/credentials-checker.ts";
import { loginRevoker } from "../../commands/login-revoker.ts";
import { tokenRefresher } from "../../commands/token-refresher.ts";
import type { Ctx } from "../../context.ts";
import { AppError, fail } from "../../errors.ts";
import { addressKey, isDirectLoopback } from "../../http/client-address.ts";
import { checkSameOrigin } from "../../http/origin-check.ts";
import { refreshCookies } from "../../http/refresh-cookie.ts";
import { router } from "../../http/route.ts";
import { presentUser } from "../../presenters.ts";

/** Accounts: register, login, refresh, logout, me. */
export function authRoutes(app: FastifyInstance, ctx: Ctx): void {
  const route = router(app, ctx);
  const cookies = refreshCookies(ctx.config.production);
  const setRefreshCookie = cookies.set;
  const clearRefreshCookie = cookies.clear;
  const refreshCookie = cookies.read;
  const { authPerMinute, apiPerMinute } = ctx.config.rateLimits;

  // Per client address: these routes are used before anyone is signed in.
  const perAddress = { perAddress: authPerMinute };

  route(ENDPOINTS.register, perAddress, async ({ body, request, reply }) => {
    const { user, accessToken, refreshToken } = await accountRegistrar(ctx, {
      ...body,
      fromLoopback: isDirectLoopback(request),
    });
    setRefreshCookie(reply, refreshToken);
    return { user, accessToken };
  });

  route(ENDPOINTS.login, perAddress, async ({ body, request, reply }) => {
    const { user, accessToken, refreshToken } = await credentialsChecker(ctx, {
      ...body,
      address: addressKey(request.ip),
    });
    setRefreshCookie(reply, refreshToken);
    return { user, accessToken };
  });

  route(ENDPOINTS.refresh, perAddress, async ({ request, reply }) => {
    checkSameOrigin(request);
    const token = refreshCookie(request);
    if (!token) {
      clearRefreshCookie(reply);
      throw fail("refresh_token_invalid", "No login to refresh. Log in again.");
    }
    try {
      const { accessToken, refreshToken } = await tokenRefresher(ctx, token);
      setRefreshCookie(reply, refreshToken);
      return { accessToken };
    } catch (err) {
      if (err instanceof AppError) clearRefreshCookie(reply);
      throw err;
    }
  });

  route(ENDPOINTS.logout, apiPerMinute, async ({ actor, request, reply }) => {
    checkSameOrigin(request);
    await loginRevoker(ctx, { actor, refreshToken: refreshCookie(request) });
    clearRefreshCookie(reply);
    return undefined;
  });

  route(ENDPOINTS.me, apiPerMinute, async ({ actor }) => ({ user: presentUser(actor) }));
}
