import type { ChannelServerMessage } from "@observer/protocol";
import type { EventBus } from "./event-bus.ts";

/** The bus topic of a session's live events. */
export const sessionTopic = (sessionId: string) => `session:${sessionId}` as const;

/** Publishes a session channel message to every instance's subscribers of that session. */
export function publishSessionEvent(
  bus: EventBus,
  sessionId: string,
  message: ChannelServerMessage,
): Promise<void> {
  return bus.publish(sessionTopic(sessionId), message);
}

/** Topic on which every instance hears that a session ended (to make its documents read-only). */
export const SESSIONS_ENDED_TOPIC = "sessions:ended";

/** Tells every instance that a session ended (after its session event). */
export function publishSessionEnded(bus: EventBus, sessionId: string): Promise<void> {
  return bus.publish(SESSIONS_ENDED_TOPIC, { sessionId });
}
