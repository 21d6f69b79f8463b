import type { Redis } from "ioredis";
import type { EventBus } from "../bus/event-bus.ts";
import { publishSessionEvent } from "../bus/session-events.ts";
import { ACQUIRE, LIVE, RELEASE, SWEEP } from "./lease-scripts.ts";
import { ConnectionCounts, laterEdits, type Presence, RecentEdits } from "./presence.ts";

export interface RedisPresenceOptions {
  /** Key prefix of this install (e.g. `observer:`). */
  prefix: string;
  /** This process: random per start, so a restarted instance never inherits leases. */
  instanceId: string;
  /** How long a lease lives without renewal (an instance killed is offline after this). */
  leaseMs?: number;
  /** How often leases are renewed and expired ones swept. */
  refreshMs?: number;
  /** Least time between two writes of one student's edit time. */
  editFlushMs?: number;
}

/** Kept this long in Redis; the database holds the edit by then. */
const EDITS_TTL_MS = 60 * 60 * 1000;

/**
 * Presence shared by instances through Redis. Each instance counts its own connections and
 * holds one lease per (session, user) it has connections for, renewed every `refreshMs`; a
 * user is online while any instance's lease lives. An instance going to zero connections
 * gives its lease up; one that dies stops renewing and every instance's sweeper removes the
 * expired lease. `presence` events go out from the one instance whose script added a user's
 * first live lease or removed their last (lease-scripts.ts). Edit times are kept per student,
 * the latest across instances, written at once on a student's first edit here and then at
 * most every `editFlushMs`.
 */
export class RedisPresence implements Presence {
  private readonly connections = new ConnectionCounts();
  private readonly edits = new RecentEdits();
  private readonly unflushed = new Map<string, { sessionId: string; studentId: string; at: number }>();
  private readonly flushedAt = new Map<string, number>();
  private readonly timers: ReturnType<typeof setInterval>[];
  private readonly leaseMs: number;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly bus: EventBus,
    private readonly options: RedisPresenceOptions,
    private readonly onError: (err: unknown) => void,
  ) {
    this.leaseMs = options.leaseMs ?? 6000;
    const refreshMs = options.refreshMs ?? 2000;
    this.timers = [
      setInterval(() => void this.tick().catch(onError), refreshMs),
      setInterval(() => this.flushEdits(), options.editFlushMs ?? 1000),
    ];
    for (const timer of this.timers) timer.unref();
  }

  private leasesKey = (sessionId: string) => `${this.options.prefix}presence:leases:${sessionId}`;
  private readonly sessionsKey = () => `${this.options.prefix}presence:sessions`;
  private editsKey = (sessionId: string) => `${this.options.prefix}presence:edits:${sessionId}`;
  private member = (userId: string) => `${userId}|${this.options.instanceId}`;

  /**
   * Never fails for Redis (down or restarting): the count is kept here, so the next renewal
   * takes the lease (and announces the user) once Redis answers again. Callers include
   * Hocuspocus hooks whose rejections nobody awaits: one would end the process.
   */
  async connected(sessionId: string, userId: string): Promise<void> {
    if (this.connections.add(sessionId, userId)) await this.acquire(sessionId, userId).catch(this.onError);
  }

  /** Never fails for Redis either: a lease that could not be given up expires, and a sweeper announces it. */
  async disconnected(sessionId: string, userId: string): Promise<void> {
    if (!this.connections.remove(sessionId, userId) || this.closed) return;
    await this.release(sessionId, userId).catch(this.onError);
  }

  async onlineUsers(sessionId: string): Promise<Set<string>> {
    const members = (await this.redis.eval(LIVE, 1, this.leasesKey(sessionId))) as string[];
    return new Set(members.map((m) => m.slice(0, m.lastIndexOf("|"))));
  }

  async isOnline(sessionId: string, userId: string): Promise<boolean> {
    return (await this.onlineUsers(sessionId)).has(userId);
  }

  edited(sessionId: string, studentId: string, at: Date): void {
    const time = at.getTime();
    this.edits.record(sessionId, studentId, time);
    const key = `${sessionId}|${studentId}`;
    this.unflushed.set(key, { sessionId, studentId, at: Math.max(time, this.unflushed.get(key)?.at ?? 0) });
    // The first edit in a while goes out at once: another instance's roster never says "no edits yet".
    if (Date.now() - (this.flushedAt.get(key) ?? 0) >= (this.options.editFlushMs ?? 1000)) this.flushEdits();
  }

  async lastEdits(sessionId: string): Promise<Map<string, Date>> {
    const flat = await this.redis.zrange(this.editsKey(sessionId), 0, -1, "WITHSCORES");
    const shared = new Map<string, number>();
    for (let i = 0; i + 1 < flat.length; i += 2) shared.set(flat[i] as string, Number(flat[i + 1]));
    return laterEdits(shared, this.edits.of(sessionId));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.flushEdits();
    const held = this.connections.entries();
    this.connections.clear();
    await Promise.all(held.map(({ sessionId, userId }) => this.release(sessionId, userId)));
  }

  private async acquire(sessionId: string, userId: string): Promise<void> {
    const cameOnline = await this.redis.eval(
      ACQUIRE,
      2,
      this.leasesKey(sessionId),
      this.sessionsKey(),
      this.member(userId),
      `${userId}|`,
      this.leaseMs,
      sessionId,
    );
    if (cameOnline === 1)
      await publishSessionEvent(this.bus, sessionId, { type: "presence", userId, online: true });
  }

  private async release(sessionId: string, userId: string): Promise<void> {
    const wentOffline = await this.redis.eval(
      RELEASE,
      1,
      this.leasesKey(sessionId),
      this.member(userId),
      `${userId}|`,
    );
    if (wentOffline === 1)
      await publishSessionEvent(this.bus, sessionId, { type: "presence", userId, online: false });
  }

  /** Renews this instance's leases, then removes every instance's expired ones. */
  private async tick(): Promise<void> {
    await Promise.all(
      this.connections.entries().map(({ sessionId, userId }) => this.acquire(sessionId, userId)),
    );
    const sessions = await this.redis.smembers(this.sessionsKey());
    await Promise.all(
      sessions.map(async (sessionId) => {
        const gone = (await this.redis.eval(
          SWEEP,
          2,
          this.leasesKey(sessionId),
          this.sessionsKey(),
          sessionId,
        )) as string[];
        for (const userId of gone)
          await publishSessionEvent(this.bus, sessionId, { type: "presence", userId, online: false });
      }),
    );
  }

  /** Writes the edit times not yet in Redis, keeping the later of what is there. */
  private flushEdits(): void {
    if (this.unflushed.size === 0) return;
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const [key, { sessionId, studentId, at }] of this.unflushed) {
      pipeline
        .zadd(this.editsKey(sessionId), "GT", at, studentId)
        .pexpire(this.editsKey(sessionId), EDITS_TTL_MS);
      this.flushedAt.set(key, now);
    }
    this.unflushed.clear();
    for (const [key, at] of this.flushedAt) if (now - at > EDITS_TTL_MS) this.flushedAt.delete(key);
    pipeline.exec().catch(this.onError);
  }
}
