import { storageNoticeSchema } from "@observer/protocol";
import { parseSocketMessage } from "./socket-message.ts";

/**
 * The message of a stateless payload the server sent on a student document when it is a
 * storage notice (`storageNoticeSchema`); null for anything else (other stateless messages,
 * not JSON, a wrong shape), which the workspace ignores.
 */
export function storageNoticeMessage(payload: string): string | null {
  return parseSocketMessage(storageNoticeSchema, payload)?.message.trim() || null;
}
