import { ENDPOINTS, type Endpoint } from "@observer/protocol";

/** API paths that answer but are not endpoints of the table (the document describing them). */
const OUTSIDE_TABLE = new Set(["/api/openapi.json"]);

const patterns = (Object.values(ENDPOINTS) as Endpoint[]).map((endpoint) => ({
  endpoint,
  regex: new RegExp(`^${endpoint.path.replace(/:\w+/g, "[^/]+")}$`),
}));

/** The endpoint of the table a request goes to, by method and path pattern. */
export function endpointOf(method: string, url: string): Endpoint | undefined {
  const path = url.split("?")[0] ?? url;
  return patterns.find((p) => p.endpoint.method === method.toUpperCase() && p.regex.test(path))?.endpoint;
}

/** Where `parsed` (the schema's output) lost a key of `sent`: a field the schema does not know. */
function unknownField(sent: unknown, parsed: unknown, at: string): string | null {
  if (Array.isArray(sent) && Array.isArray(parsed)) {
    for (const [i, item] of sent.entries()) {
      const found = unknownField(item, parsed[i], `${at}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (sent && typeof sent === "object" && parsed && typeof parsed === "object") {
    for (const [key, value] of Object.entries(sent)) {
      if (!(key in parsed)) return `${at}.${key}`;
      const found = unknownField(value, (parsed as Record<string, unknown>)[key], `${at}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Checks a successful reply of the API against its endpoint in the table: the status, and
 * the body against the reply schema, with no missing and no extra field. Throws (failing
 * the test) on a mismatch, and on a successful reply from an API path the table lacks.
 */
export function checkReply(method: string, url: string, status: number, text: string): void {
  const path = url.split("?")[0] ?? url;
  if (status < 200 || status >= 300 || !path.startsWith("/api/") || OUTSIDE_TABLE.has(path)) return;
  const endpoint = endpointOf(method, url);
  if (!endpoint) throw new Error(`${method} ${path} answered ${status} but is not in ENDPOINTS`);
  if (status !== endpoint.status && status !== endpoint.alsoStatus)
    throw new Error(`${method} ${path} answered ${status}; ENDPOINTS says ${endpoint.status}`);
  // A file (zip, CSV): its bytes are checked by the tests that read it.
  if (endpoint.produces) return;
  if (!endpoint.reply) {
    if (text !== "") throw new Error(`${method} ${path} has no reply schema but answered: ${text}`);
    return;
  }
  const json: unknown = JSON.parse(text);
  const result = endpoint.reply.safeParse(json);
  if (!result.success)
    throw new Error(`${method} ${path}: reply does not match its schema: ${result.error.message}`);
  const extra = unknownField(json, result.data, "reply");
  if (extra) throw new Error(`${method} ${path}: reply has a field its schema lacks: ${extra}`);
}
