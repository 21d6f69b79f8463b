import type { Endpoint } from "@observer/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type RouteLimit, rateLimitOptions } from "./rate-limits.ts";

export type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * Registers a handler for an endpoint of the protocol, so method and path are written once
 * (in packages/protocol) and every API route is rate limited: per signed-in user, or per
 * client address for anonymous requests (see RouteLimit).
 */
export function route(
  app: FastifyInstance,
  endpoint: Endpoint,
  limit: RouteLimit | null,
  handler: RouteHandler,
): void {
  app.route({
    method: endpoint.method,
    url: endpoint.path,
    ...(limit ? { config: { rateLimit: rateLimitOptions(limit) } } : {}),
    handler: async (request, reply) => {
      const result = await handler(request, reply);
      if (result === undefined) return reply.status(endpoint.status).send();
      return reply.status(endpoint.status).send(result);
    },
  });
}
