import type { z } from "zod";

/** A JSON message from the server (on our WebSockets, or a collab stateless payload), checked against its schema; null if it is not one. */
export function parseSocketMessage<S extends z.ZodType>(schema: S, data: unknown): z.output<S> | null {
  if (typeof data !== "string") return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
