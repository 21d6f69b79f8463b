import { LOGIN_HINT_COOKIE } from "@observer/protocol";
import type { FastifyReply, FastifyRequest } from "fastify";
import { REFRESH_TOKEN_TTL_MS } from "../auth/refresh-tokens.ts";
import { REFRESH_COOKIE } from "./request-auth.ts";

/**
 * The refresh cookie of a login (httpOnly, only sent to /api/auth, SameSite=Strict) and its
 * readable hint beside it (same lifetime, no secret: see LOGIN_HINT_COOKIE). Set by every way
 * of logging in: the login and register routes, the refresh, GitHub's sign-in callback.
 */
export function refreshCookies(production: boolean) {
  const cookieOptions = {
    path: "/api/auth",
    httpOnly: true,
    sameSite: "strict" as const,
    secure: production,
  };
  const hintOptions = { path: "/", httpOnly: false, sameSite: "strict" as const, secure: production };
  const maxAge = REFRESH_TOKEN_TTL_MS / 1000;
  return {
    set: (reply: FastifyReply, token: string) =>
      reply
        .setCookie(REFRESH_COOKIE, token, { ...cookieOptions, maxAge })
        .setCookie(LOGIN_HINT_COOKIE, "1", { ...hintOptions, maxAge }),
    clear: (reply: FastifyReply) =>
      reply.clearCookie(REFRESH_COOKIE, cookieOptions).clearCookie(LOGIN_HINT_COOKIE, hintOptions),
    read: (request: FastifyRequest) => request.cookies[REFRESH_COOKIE] || null,
  };
}
