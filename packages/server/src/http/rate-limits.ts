import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { bearerToken } from "../auth/actor.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { addressKey } from "./client-address.ts";

/**
 * How a route is rate limited, per minute:
 * - a number: per signed-in user (a valid access token); a request without one counts
 *   against its client address. A class behind one school address shares nothing.
 * - `{ perAddress }`: per client address, signed in or not (register, login, refresh).
 * - `{ perUser, scope }`: per signed-in user and scope (runs: per user and session).
 */
export type RouteLimit =
  | number
  | { perAddress: number }
  | { perUser: number; scope: (request: FastifyRequest) => string };

const signedIn = new WeakMap<FastifyRequest, string>();

const byAddress = (request: FastifyRequest) => `addr:${addressKey(request.ip)}`;
const byUser = (request: FastifyRequest) => {
  const user = signedIn.get(request);
  return user ? `user:${user}` : byAddress(request);
};

/**
 * Registers @fastify/rate-limit (shared through Redis when there is one) and the hook that
 * tells the limits who is signed in: the access token's signature and expiry are checked
 * (no database query); whether the login still holds is the route's own business.
 */
export async function registerRateLimits(app: FastifyInstance, ctx: Ctx, redis: Redis | null): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    // With Redis, every server instance counts against the same limits.
    redis: redis ?? undefined,
    // Redis down or restarting: requests go through uncounted for that moment rather than all
    // failing with 500 (logins stay guarded by the login throttle, which fails closed).
    skipOnError: true,
    nameSpace: `${ctx.config.redisPrefix}rate-limit:`,
    keyGenerator: byAddress,
    errorResponseBuilder: () => fail("rate_limited"),
  });
  app.addHook("onRequest", async (request) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) return;
    const claims = await ctx.tokens.verify(token).catch(() => null);
    if (claims) signedIn.set(request, claims.sub);
  });
}

/** The route options of @fastify/rate-limit for a limit (see RouteLimit). */
export function rateLimitOptions(limit: RouteLimit) {
  if (typeof limit === "number") return { max: limit, timeWindow: 60_000, keyGenerator: byUser };
  if ("perAddress" in limit) return { max: limit.perAddress, timeWindow: 60_000, keyGenerator: byAddress };
  return {
    max: limit.perUser,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => {
      const key = byUser(request);
      return key.startsWith("user:") ? `${key}:${limit.scope(request)}` : key;
    },
  };
}
