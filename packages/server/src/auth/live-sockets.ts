import { CLOSE_CODES } from "@observer/protocol";
import type { FastifyBaseLogger } from "fastify";
import type { EventBus } from "../bus/event-bus.ts";
import { REVOCATIONS_TOPIC, type Revocation } from "../bus/revocations.ts";
import { AppError } from "../errors.ts";

/** An open, authenticated socket (or, for /collab, one user's documents on one socket). */
export interface LiveSocket {
  /**
   * Re-reads the user's rights from the database and closes (or downgrades) what they no
   * longer allow. Called when the user's rights may have shrunk.
   */
  recheck(): Promise<void>;
}

/** How long a revocation is remembered, to catch sockets whose check was already under way. */
const REMEMBER_REVOCATIONS_MS = 60_000;

/**
 * The open sockets of this instance by user: every socket kind (collaboration, session
 * channel, run terminal) registers once authenticated and leaves when it closes. It caps the
 * sockets one user may hold here, and when a user's rights shrink (logout, a reused refresh
 * token, deactivation, a role change, removal from a session) it has each of their sockets
 * re-check itself. Revocations arrive on the bus, so with Redis every instance hears them.
 */
export class LiveSockets {
  private readonly byUser = new Map<string, Set<LiveSocket>>();
  /** When each user was last revoked (pruned after a minute). */
  private readonly revokedAt = new Map<string, number>();

  constructor(
    /** Sockets one user may hold open on this instance, all kinds together. */
    readonly maxPerUser: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * Counts a socket of a user. False (and not counted) when the user already holds the
   * maximum. `checkedSince`: when the rights the socket was admitted with were read; a
   * revocation heard since then makes it re-check at once (it may have read the old rights).
   */
  add(userId: string, socket: LiveSocket, checkedSince: number): boolean {
    let sockets = this.byUser.get(userId);
    if (!sockets) {
      sockets = new Set();
      this.byUser.set(userId, sockets);
    }
    if (sockets.size >= this.maxPerUser) {
      if (sockets.size === 0) this.byUser.delete(userId);
      return false;
    }
    sockets.add(socket);
    if (this.revokedSince(userId, checkedSince)) this.recheck(socket);
    return true;
  }

  remove(userId: string, socket: LiveSocket): void {
    const sockets = this.byUser.get(userId);
    if (!sockets) return;
    sockets.delete(socket);
    if (sockets.size === 0) this.byUser.delete(userId);
  }

  /** Open sockets of a user on this instance. */
  count(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** True when a revocation of the user was heard at or after `time` (Date.now() ms). */
  revokedSince(userId: string, time: number): boolean {
    const at = this.revokedAt.get(userId);
    return at !== undefined && at >= time;
  }

  /** Has every socket of the user re-check itself; resolves when all did. */
  async revoke(revocation: Revocation): Promise<void> {
    const now = Date.now();
    for (const [userId, at] of this.revokedAt) {
      if (now - at > REMEMBER_REVOCATIONS_MS) this.revokedAt.delete(userId);
    }
    this.revokedAt.set(revocation.userId, now);
    const sockets = [...(this.byUser.get(revocation.userId) ?? [])];
    await Promise.all(sockets.map((socket) => this.recheck(socket)));
  }

  /** Listens for revocations published by any instance. Returns the function that stops. */
  listen(bus: EventBus): Promise<() => Promise<void>> {
    return bus.subscribe(REVOCATIONS_TOPIC, (revocation) => {
      if (typeof revocation?.userId !== "string") return;
      void this.revoke(revocation);
    });
  }

  private recheck(socket: LiveSocket): Promise<void> {
    return socket.recheck().catch((err: unknown) => {
      this.log.error({ err }, "re-checking a socket after a revocation failed");
    });
  }
}

/** The close code and reason for a socket whose re-check failed with `err`. */
export function revokedCloseReason(err: unknown): { code: number; reason: string } {
  if (err instanceof AppError && err.code === "account_deactivated")
    return { code: CLOSE_CODES.forbidden, reason: "Account deactivated" };
  if (err instanceof AppError && err.status === 401)
    return { code: CLOSE_CODES.unauthorized, reason: "Your login has ended" };
  return { code: CLOSE_CODES.forbidden, reason: "Forbidden" };
}

/** The close reason of a socket refused because its user holds too many. */
export const tooManySocketsReason = (max: number) => ({
  code: CLOSE_CODES.tooManyRequests,
  reason: `Too many open connections (at most ${max} per user)`,
});
