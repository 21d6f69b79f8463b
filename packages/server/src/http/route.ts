import { Readable } from "node:stream";
import type { BodySchemaOf, Endpoint, PathParams, QuerySchemaOf, ReplySchemaOf } from "@observer/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { Ctx } from "../context.ts";
import { type RouteLimit, rateLimitOptions } from "./rate-limits.ts";
import { type ActorFor, actorFor } from "./request-auth.ts";
import { parseInput, uuidParam } from "./validation.ts";

/** What a route's handler gets: everything its endpoint promises, already checked. */
export interface RouteInput<E extends Endpoint> {
  /** The caller, as the endpoint's `auth` asks (see actorFor). */
  actor: ActorFor<E["auth"]>;
  /** The path params, each a UUID in lower case (any other value is 404). */
  params: PathParams<E>;
  /** The body, parsed by the endpoint's body schema (422 otherwise); undefined without one. */
  body: [BodySchemaOf<E>] extends [never] ? undefined : z.output<BodySchemaOf<E>>;
  /** The query string, parsed by the endpoint's query schema (422 otherwise); undefined without one. */
  query: [QuerySchemaOf<E>] extends [never] ? undefined : z.output<QuerySchemaOf<E>>;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Answers with the endpoint's `alsoStatus` instead of its `status`. */
  answerWithAlsoStatus: () => void;
}

/**
 * A file as a reply (an endpoint with `produces`): its body, streamed when it is a stream, and
 * the name a browser saves it under.
 */
export interface FileReply {
  body: Readable | Buffer | string;
  /** The name to save it under (an attachment); none for a stream shown as it comes (server-sent events). */
  filename?: string;
  /** Extra headers (such as an estimate of the size, for a progress bar). */
  headers?: Record<string, string>;
}

/** A redirect (an endpoint with status 302): where the browser goes next. */
export interface Redirect {
  location: string;
}

/**
 * What a handler answers: a FileReply for an endpoint that `produces` a file, its endpoint's
 * reply (before the schema's defaults), or nothing for 204.
 */
export type RouteResult<E extends Endpoint> = E extends { produces: string }
  ? FileReply
  : E extends { status: 302 }
    ? Redirect
    : [ReplySchemaOf<E>] extends [never]
      ? undefined
      : z.input<ReplySchemaOf<E>>;

export type RouteHandler<E extends Endpoint> = (input: RouteInput<E>) => Promise<RouteResult<E>>;

/** Registers one endpoint's handler; see `router`. */
export type Route = <const E extends Endpoint>(
  endpoint: E,
  limit: RouteLimit | null,
  handler: RouteHandler<E>,
) => void;

const paramNames = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);

/**
 * The `route` function of an app: method and path are written once (in packages/protocol),
 * and every API route is rate limited: per signed-in user, or per client address for
 * anonymous requests (see RouteLimit). Before the handler runs, in this order: the caller
 * is authenticated as the endpoint's `auth` says (401/403), the path params are UUIDs (404)
 * and the body and query string pass the endpoint's schemas (422).
 */
export function router(app: FastifyInstance, ctx: Ctx): Route {
  return (endpoint, limit, handler) => {
    const names = paramNames(endpoint.path);
    app.route({
      method: endpoint.method,
      url: endpoint.path,
      config: limit ? { rateLimit: rateLimitOptions(limit) } : {},
      handler: async (request, reply) => {
        const actor = await actorFor(ctx, request, endpoint.auth);
        const params = Object.fromEntries(names.map((name) => [name, uuidParam(request.params, name)]));
        const body = endpoint.body ? parseInput(endpoint.body, request.body) : undefined;
        const query = endpoint.query ? parseInput(endpoint.query, request.query) : undefined;
        let status = endpoint.status;
        const answerWithAlsoStatus = () => {
          if (endpoint.alsoStatus === undefined) throw new Error(`${endpoint.path} has no alsoStatus`);
          status = endpoint.alsoStatus;
        };
        const input = { actor, params, body, query, request, reply, answerWithAlsoStatus } as RouteInput<
          typeof endpoint
        >;
        const result = await handler(input);
        if (endpoint.produces !== undefined) {
          const file = result as unknown as FileReply;
          reply.status(status).type(endpoint.produces).header("cache-control", "no-store");
          if (file.filename !== undefined) {
            const ascii = file.filename.replace(/[^\w.-]+/g, "_");
            reply.header(
              "content-disposition",
              `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
            );
          }
          reply.headers(file.headers ?? {});
          // A stream made as it is read (an export): a proxy passes it on as it comes (nginx
          // reads X-Accel-Buffering), so the download's progress moves and nothing piles up there.
          if (file.body instanceof Readable) reply.header("x-accel-buffering", "no");
          return reply.send(file.body);
        }
        if (endpoint.status === 302) {
          const { location } = result as unknown as Redirect;
          return reply.header("cache-control", "no-store").redirect(location, 302);
        }
        return result === undefined ? reply.status(status).send() : reply.status(status).send(result);
      },
    });
  };
}
