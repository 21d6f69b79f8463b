import type { LanguageAvailability } from "@observer/protocol";
import type { Redis } from "ioredis";
import type { SandboxStatus } from "../exec/index.ts";
import { HEARTBEAT_MS, RUNNER_LOST_MS, type RunnerBeat, type RunWire, runnerBeatSchema } from "./run-wire.ts";

/** How often the registry reads the runners' beats. */
const READ_EVERY_MS = HEARTBEAT_MS / 2;
/** A runner not seen for this long leaves the list. */
const FORGET_AFTER_MS = 60_000;

interface Seen {
  beat: RunnerBeat;
  /** When (this instance's clock) its beat last changed. */
  changedAt: number;
}

export interface RunnerCounts {
  alive: number;
  /** Slots of the runners alive and not draining. */
  slots: number;
  busy: number;
}

/**
 * The runners of the install as their heartbeats tell (OBSERVER_RUNNERS=remote): who is alive,
 * their capacity and languages. A runner is lost when its beat has not changed for
 * RUNNER_LOST_MS while this instance could read Redis the whole time (a Redis restart loses no
 * runner: the count starts again once Redis is back).
 */
export class RunnerRegistry {
  private readonly seen = new Map<string, Seen>();
  private timer: NodeJS.Timeout | null = null;
  /** Since when Redis has answered without a break (null: not now). */
  private healthySince: number | null = null;
  private readonly reconnectListeners: (() => void)[] = [];
  private reading: Promise<void> | null = null;
  /** A read failed since the last one that worked (Redis was out). */
  private broken = false;

  constructor(
    private readonly redis: Redis,
    private readonly wire: RunWire,
    private readonly onError: (err: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the beats once (so the first request sees the runners), then every READ_EVERY_MS. */
  async start(): Promise<void> {
    await this.read();
    this.timer = setInterval(() => void this.read(), READ_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Called when Redis answers again after a break (queued runs may need queueing again). */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /** Whether Redis has answered for a while without a break (long enough to judge runners). */
  steady(forMs = RUNNER_LOST_MS): boolean {
    return this.healthySince !== null && this.now() - this.healthySince >= forMs;
  }

  read(): Promise<void> {
    this.reading ??= this.readOnce().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    let beats: (string | null)[];
    let names: string[];
    try {
      names = await this.redis.smembers(this.wire.runners);
      beats = names.length > 0 ? await this.redis.mget(names.map((n) => this.wire.runnerBeat(n))) : [];
    } catch (err) {
      if (this.healthySince !== null) this.onError(err);
      this.healthySince = null;
      this.broken = true;
      return;
    }
    const now = this.now();
    if (this.healthySince === null) {
      this.healthySince = now;
      // After a break, nothing was seen meanwhile: every runner's clock starts again.
      for (const entry of this.seen.values()) entry.changedAt = now;
      if (this.broken) for (const listener of this.reconnectListeners) listener();
      this.broken = false;
    }
    names.forEach((name, i) => {
      const raw = beats[i];
      if (!raw) return;
      let beat: RunnerBeat;
      try {
        beat = runnerBeatSchema.parse(JSON.parse(raw));
      } catch {
        return;
      }
      const known = this.seen.get(name);
      if (!known || known.beat.beat !== beat.beat) this.seen.set(name, { beat, changedAt: now });
    });
    for (const [name, entry] of this.seen) {
      if (now - entry.changedAt > FORGET_AFTER_MS) {
        this.seen.delete(name);
        void this.redis.srem(this.wire.runners, name).catch(() => {});
      }
    }
  }

  /** Whether the runner has stopped beating (its runs are lost). Unknown runners are not lost yet. */
  isLost(name: string): boolean {
    if (!this.steady()) return false;
    const entry = this.seen.get(name);
    return entry ? this.now() - entry.changedAt > RUNNER_LOST_MS : this.steady(RUNNER_LOST_MS * 2);
  }

  private alive(): RunnerBeat[] {
    const now = this.now();
    const out: RunnerBeat[] = [];
    for (const entry of this.seen.values()) if (now - entry.changedAt <= RUNNER_LOST_MS) out.push(entry.beat);
    return out;
  }

  counts(): RunnerCounts {
    let slots = 0;
    let busy = 0;
    const alive = this.alive();
    for (const beat of alive) {
      if (!beat.draining) slots += beat.capacity;
      busy += beat.busy;
    }
    return { alive: alive.length, slots, busy };
  }

  /** Whether runs can go anywhere: a runner alive, not draining, with a working sandbox. */
  sandboxStatus(): SandboxStatus {
    const alive = this.alive();
    const taking = alive.filter((b) => !b.draining && b.sandbox.ok && b.capacity > 0);
    if (taking.length > 0) return { ok: true, reason: null, mode: "bwrap", limiter: "cgroup-v2" };
    const broken = alive.find((b) => !b.sandbox.ok);
    const reason = broken
      ? `the runners cannot sandbox programs: ${broken.sandbox.reason}`
      : alive.length > 0
        ? "every runner is stopping; try again in a moment"
        : "no code runner is connected (start one with `npm run runner`)";
    return { ok: false, reason, mode: "bwrap", limiter: "rlimits" };
  }

  /** Each language, available when a runner alive has it. */
  availableLanguages(): LanguageAvailability[] {
    const byId = new Map<string, LanguageAvailability>();
    for (const beat of this.alive()) {
      for (const language of beat.languages) {
        const known = byId.get(language.id);
        if (!known || (!known.available && language.available)) byId.set(language.id, language);
      }
    }
    return [...byId.values()];
  }
}
