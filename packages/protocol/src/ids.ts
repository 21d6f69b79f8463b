import { z } from "zod";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The one UUID check (any case): ids in paths, sockets and documents are UUIDs. */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** The id of a user, session, run or document in a record or message. */
export const idSchema = z.uuid();

/** A moment as the server writes it: an ISO 8601 string in UTC (`Date.toISOString`). */
export const timestampSchema = z.string();
