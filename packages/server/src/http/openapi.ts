import { BEARER_AUTH, ENDPOINTS, type Endpoint, ERROR_CODES, errorBodySchema } from "@observer/protocol";
import { z } from "zod";

const toSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, unrepresentable: "any", target: "openapi-3.0" });

/** An endpoint's query string parameters, from its query schema's properties. */
function queryParams(endpoint: Endpoint) {
  if (!endpoint.query) return [];
  const schema = toSchema(endpoint.query, "input") as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: schema.required?.includes(name) ?? false,
    schema: property as object,
  }));
}

/** The OpenAPI 3 document, generated from the protocol's endpoint list and zod schemas. */
export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, endpoint] of Object.entries(ENDPOINTS) as [string, Endpoint][]) {
    const path = endpoint.path.replace(/:(\w+)/g, "{$1}");
    const params: { name: string; in: string; required: boolean; schema: object }[] = [
      ...endpoint.path.matchAll(/:(\w+)/g),
    ].map((m) => ({
      name: m[1] as string,
      in: "path",
      required: true,
      schema: { type: "string", format: "uuid" },
    }));
    params.push(...queryParams(endpoint));
    const security = BEARER_AUTH.includes(endpoint.auth)
      ? [{ bearer: [] }]
      : endpoint.auth === "refreshCookie"
        ? [{ refreshCookie: [] }]
        : [];
    const success = endpoint.produces
      ? {
          description: "OK (a file, as an attachment)",
          content: { [endpoint.produces]: { schema: { type: "string", format: "binary" } } },
        }
      : endpoint.reply
        ? {
            description: "OK",
            content: { "application/json": { schema: toSchema(endpoint.reply, "output") } },
          }
        : { description: "No content" };
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[endpoint.method.toLowerCase()] = {
      operationId: name,
      summary: endpoint.summary,
      security,
      parameters: params.length ? params : undefined,
      requestBody: endpoint.body && {
        required: true,
        content: { "application/json": { schema: toSchema(endpoint.body, "input") } },
      },
      responses: {
        [endpoint.status]: success,
        ...(endpoint.alsoStatus === undefined ? {} : { [endpoint.alsoStatus]: success }),
        default: {
          description: `Error; error.code is one of: ${ERROR_CODES.join(", ")}`,
          content: { "application/json": { schema: toSchema(errorBodySchema, "output") } },
        },
      },
    };
  }
  return {
    openapi: "3.0.3",
    info: { title: "Observer API", version: "0.1.0", description: "A live classroom for programming." },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        refreshCookie: { type: "apiKey", in: "cookie", name: "observer_refresh" },
      },
    },
    paths,
  };
}
