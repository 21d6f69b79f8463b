import type { FastifyRequest } from "fastify";
import { type Actor, authenticate, bearerToken } from "../auth/actor.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";

/** The refresh cookie: HttpOnly, SameSite=Strict, sent only to /api/auth. */
export const REFRESH_COOKIE = "observer_refresh";

const cache = new WeakMap<FastifyRequest, Promise<Actor>>();

/** The authenticated caller, or 401. Authenticates at most once per request. */
export function requireActor(ctx: Ctx, request: FastifyRequest): Promise<Actor> {
  let pending = cache.get(request);
  if (!pending) {
    const token = bearerToken(request.headers.authorization);
    pending = token ? authenticate(ctx.db, ctx.tokens, token) : Promise.reject(fail("not_authenticated"));
    cache.set(request, pending);
  }
  return pending;
}
