import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * Checks a request against GitHub's published OpenAPI description (the `@octokit/openapi`
 * package, generated/api.github.com.json, loaded once). Deliberately small; what it checks:
 *
 * - method + path match an operation of the description (path templates such as
 *   `/repos/{owner}/{repo}/git/refs/{ref}`, literal segments preferred over templates;
 *   a template's parameter takes one segment, its `%2F`-encoded slashes included, as Octokit
 *   sends them);
 * - the operation's required query parameters are present;
 * - a JSON body is sent exactly when the operation has a request body (and one is there when
 *   it is required), and the body passes a minimal JSON-schema check of it: `type` (with
 *   `nullable`), `required`, `properties` (recursively), `items`, `enum`, `additionalProperties:
 *   false`, and `oneOf`/`anyOf`/`allOf`, `$ref`s resolved in the description's components.
 *
 * Not checked: formats, lengths, patterns, headers, response shapes.
 */

interface Schema {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
}

interface Parameter {
  $ref?: string;
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { $ref?: string; required?: boolean; content?: Record<string, { schema?: Schema }> };
}

interface Description {
  paths: Record<string, Record<string, Operation | Parameter[]>>;
  components: Record<string, Record<string, unknown>>;
}

let description: Description | null = null;

function load(): Description {
  if (description) return description;
  const require = createRequire(import.meta.url);
  const file = require.resolve("@octokit/openapi/generated/api.github.com.json");
  description = JSON.parse(readFileSync(file, "utf8")) as Description;
  return description;
}

function deref<T>(value: T & { $ref?: string }): T {
  let current: T & { $ref?: string } = value;
  for (let hops = 0; current.$ref && hops < 20; hops += 1) {
    const [, , group, name] = current.$ref.split("/");
    current = load().components[group as string]?.[name as string] as T & { $ref?: string };
    if (!current) throw new Error(`unresolved $ref ${value.$ref}`);
  }
  return current;
}

export interface MatchedOperation {
  operationId: string;
  template: string;
  /** The path parameters, decoded. */
  params: Record<string, string>;
}

/** The operation a method and path (without query, relative to the API root) are, or null. */
export function findOperation(method: string, path: string): (MatchedOperation & { op: Operation }) | null {
  const segments = path.split("/").slice(1);
  let best: { score: number; match: MatchedOperation & { op: Operation } } | null = null;
  for (const [template, item] of Object.entries(load().paths)) {
    const op = item[method.toLowerCase()] as Operation | undefined;
    if (!op) continue;
    const parts = template.split("/").slice(1);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let score = 0;
    const matches = parts.every((part, i) => {
      const segment = segments[i] as string;
      const param = /^\{(\w+)\}$/.exec(part);
      if (!param) {
        score += 1;
        return part === segment;
      }
      if (segment === "") return false;
      params[param[1] as string] = decodeURIComponent(segment);
      return true;
    });
    if (matches && (!best || score > best.score))
      best = { score, match: { operationId: op.operationId, template, params, op } };
  }
  return best?.match ?? null;
}

/** What is wrong with a request (empty: it is valid), and the operation it matched. */
export function checkRequest(request: {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}): { operation: MatchedOperation | null; problems: string[] } {
  const found = findOperation(request.method, request.path);
  if (!found) return { operation: null, problems: [`no operation ${request.method} ${request.path}`] };
  const { op, ...operation } = found;
  const problems: string[] = [];
  const pathItem = load().paths[found.template] as { parameters?: Parameter[] };
  for (const raw of [...(pathItem.parameters ?? []), ...(op.parameters ?? [])]) {
    const parameter = deref<Parameter>(raw);
    if (parameter.in === "query" && parameter.required && !request.query.has(parameter.name))
      problems.push(`query parameter ${parameter.name} is required`);
  }
  const requestBody = op.requestBody ? deref(op.requestBody) : null;
  const schema = requestBody?.content?.["application/json"]?.schema;
  if (request.body === undefined) {
    if (requestBody?.required) problems.push("a request body is required");
  } else if (!requestBody) {
    problems.push(`${op.operationId} takes no request body`);
  } else if (schema) {
    checkSchema(schema, request.body, "body", problems);
  }
  return { operation, problems };
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function checkSchema(raw: Schema, value: unknown, at: string, problems: string[]): void {
  const schema = deref(raw);
  if (schema.allOf) for (const part of schema.allOf) checkSchema(part, value, at, problems);
  for (const alternatives of [schema.oneOf, schema.anyOf]) {
    if (!alternatives) continue;
    const passes = alternatives.some((alt) => {
      const found: string[] = [];
      checkSchema(alt, value, at, found);
      return found.length === 0;
    });
    if (!passes) problems.push(`${at} matches none of the alternatives`);
  }
  if (value === null && schema.nullable) return;
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    const ok = allowed.includes(actual) || (actual === "integer" && allowed.includes("number"));
    if (!ok) return void problems.push(`${at} is ${actual}, not ${allowed.join(" or ")}`);
  }
  if (schema.enum && !schema.enum.includes(value))
    problems.push(`${at} is not one of ${schema.enum.join(", ")}`);
  if (actual === "array" && schema.items) {
    (value as unknown[]).forEach((item, i) => {
      checkSchema(schema.items as Schema, item, `${at}[${i}]`, problems);
    });
  }
  if (
    actual === "object" &&
    (schema.properties || schema.required || schema.additionalProperties === false)
  ) {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? [])
      if (!(name in object)) problems.push(`${at}.${name} is required`);
    for (const [name, item] of Object.entries(object)) {
      const property = schema.properties?.[name];
      if (property) checkSchema(property, item, `${at}.${name}`, problems);
      else if (schema.additionalProperties === false) problems.push(`${at}.${name} is not allowed`);
    }
  }
}
