import type { EndpointAuth } from "@observer/protocol";
import type { FastifyRequest } from "fastify";
import { type Actor, authenticate, bearerToken } from "../auth/actor.ts";
import { isAdmin } from "../auth/policies.ts";
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

/** The caller an endpoint's `auth` names: who route() hands to the handler. */
export type ActorFor<A extends EndpointAuth> = A extends "bearer" | "admin"
  ? Actor
  : A extends "bearerAndCookie"
    ? Actor | null
    : null;

/**
 * Authenticates a request as its endpoint's `auth` asks: `bearer` needs a valid login (401),
 * `admin` an administrator's (403 for anyone else); `bearerAndCookie` takes the login when the
 * request names a valid one (logout works with the cookie alone); the others have no actor.
 */
export async function actorFor(ctx: Ctx, request: FastifyRequest, auth: EndpointAuth): Promise<Actor | null> {
  if (auth === "bearerAndCookie") {
    if (!bearerToken(request.headers.authorization)) return null;
    return requireActor(ctx, request).catch(() => null);
  }
  if (auth !== "bearer" && auth !== "admin") return null;
  const actor = await requireActor(ctx, request);
  if (auth === "admin" && !isAdmin(actor)) throw fail("forbidden", "Only administrators can do this.");
  return actor;
}
