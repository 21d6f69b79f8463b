import type { EventBus } from "./event-bus.ts";

/** Topic on which every instance hears that a user's rights shrank (their sockets re-check). */
export const REVOCATIONS_TOPIC = "auth:revocations";

/**
 * A user's rights may have shrunk: a login ended (logout, a reused refresh token), the account
 * was deactivated or changed role, or they were removed from a session. Every socket of the
 * user re-checks itself against the database, so the event needs to carry no more than who.
 */
export interface Revocation {
  userId: string;
  /** What happened, for the logs. */
  reason: "logout" | "refresh_token_reused" | "deactivated" | "role_changed" | "removed_from_session";
}

/** Publishes a revocation to every instance (itself included). Call it after the change is committed. */
export function publishRevocation(bus: EventBus, revocation: Revocation): Promise<void> {
  return bus.publish(REVOCATIONS_TOPIC, revocation);
}
