import type { ChannelServerMessage, EditingMode } from "@observer/protocol";
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

/** Topic on which every instance hears that a session was deleted (to drop its documents and runs). */
export const SESSIONS_DELETED_TOPIC = "sessions:deleted";

/** Tells every instance that a session was deleted (after its rows are gone). */
export function publishSessionDeleted(bus: EventBus, sessionId: string): Promise<void> {
  return bus.publish(SESSIONS_DELETED_TOPIC, { sessionId });
}

/** Topic on which every instance hears that a session's editing was locked or unlocked. */
export const SESSIONS_EDITING_TOPIC = "sessions:editing";

/**
 * Tells every instance's collaboration server that a session's editing was locked or unlocked
 * (before its `session_updated` event: an instance that delivered the event to a student has
 * already applied the lock to that student's document connections).
 */
export function publishSessionEditing(bus: EventBus, sessionId: string, editing: EditingMode): Promise<void> {
  return bus.publish(SESSIONS_EDITING_TOPIC, { sessionId, editing });
}
