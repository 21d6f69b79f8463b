import { api } from "../api/client.ts";
import type { HelpQueue } from "../live/help-queue.ts";

/**
 * Loads the open hands into `queue` (on every (re)connect of the session channel: what
 * changed while it was away). A failure leaves the queue as it is; the next connect retries.
 */
export async function loadHands(queue: HelpQueue, sessionId: string): Promise<void> {
  try {
    const { hands } = await api.call("listHands", { params: { id: sessionId } });
    queue.load(hands);
  } catch {
    // Offline or refused: the channel says so; the queue keeps what it knew.
  }
}
