import type { Endpoint } from "@observer/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * Registers a handler for an endpoint of the protocol, so method and path are written once
 * (in packages/protocol) and every API route is rate limited per client address.
 */
export function route(
  app: FastifyInstance,
  endpoint: Endpoint,
  limitPerMinute: number | null,
  handler: RouteHandler,
): void {
  app.route({
    method: endpoint.method,
    url: endpoint.path,
    ...(limitPerMinute ? { config: { rateLimit: { max: limitPerMinute, timeWindow: 60_000 } } } : {}),
    handler: async (request, reply) => {
      const result = await handler(request, reply);
      if (result === undefined) return reply.status(endpoint.status).send();
      return reply.status(endpoint.status).send(result);
    },
  });
}
