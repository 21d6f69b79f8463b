import { storageNoticeSchema } from "@observer/protocol";

/**
 * The message of a stateless payload the server sent on a student document when it is a
 * storage notice (`storageNoticeSchema`); null for anything else (other stateless messages,
 * not JSON, a wrong shape), which the workspace ignores.
 */
export function storageNoticeMessage(payload: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = storageNoticeSchema.safeParse(value);
  if (!parsed.success) return null;
  const message = parsed.data.message.trim();
  return message === "" ? null : message;
}
