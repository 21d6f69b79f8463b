const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The one UUID check (any case): ids in paths, sockets and documents are UUIDs. */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}
