import { api } from "../api/client.ts";
import type { AiLog } from "./ai-log.ts";

/**
 * Loads a session's AI log into `log` (on every connect of the teacher's channel: what was
 * asked while it was away). A failure leaves the log as it is; the next connect retries.
 */
export async function loadAiLog(log: AiLog, sessionId: string): Promise<void> {
  try {
    const { entries } = await api.call("aiLog", { params: { id: sessionId } });
    log.load(entries);
  } catch {
    // Offline, refused, or not served yet: the channel says so; the log keeps what it knew.
  }
}
