import type { ENDPOINTS, EndpointName, PathParamNames } from "@observer/protocol";
import type { z } from "zod";

type Endpoints = typeof ENDPOINTS;

/** What the caller sends as the JSON body of an endpoint (the schema's input type). */
export type BodyOf<N extends EndpointName> = Endpoints[N] extends { body: infer B extends z.ZodType }
  ? z.input<B>
  : never;

/** The query string parameters an endpoint reads (the schema's input type). */
export type QueryOf<N extends EndpointName> = Endpoints[N] extends { query: infer Q extends z.ZodType }
  ? z.input<Q>
  : never;

/** What an endpoint answers, parsed by its reply schema (`undefined` for 204 replies). */
export type ReplyOf<N extends EndpointName> = Endpoints[N] extends { reply: infer R extends z.ZodType }
  ? z.output<R>
  : undefined;

type ParamsPart<N extends EndpointName> = [PathParamNames<Endpoints[N]["path"]>] extends [never]
  ? { params?: undefined }
  : { params: Record<PathParamNames<Endpoints[N]["path"]>, string> };

type BodyPart<N extends EndpointName> = [BodyOf<N>] extends [never]
  ? { body?: undefined }
  : { body: BodyOf<N> };

type QueryPart<N extends EndpointName> = [QueryOf<N>] extends [never]
  ? { query?: undefined }
  : { query?: QueryOf<N> };

/** Options of one call: path params and body exactly when the endpoint has them; a query when it reads one. */
export type CallOptions<N extends EndpointName> = ParamsPart<N> &
  BodyPart<N> &
  QueryPart<N> & { signal?: AbortSignal };

/** Rest arguments of `call`: the options object is optional only when nothing is required. */
export type CallArgs<N extends EndpointName> =
  Record<string, never> extends ParamsPart<N> & BodyPart<N>
    ? [options?: CallOptions<N>]
    : [options: CallOptions<N>];
