import type { Redis } from "ioredis";
import type { Runner } from "../exec/index.ts";
import { HEARTBEAT_MS, type RunnerBeat, type RunWire } from "../remote-runs/run-wire.ts";

/** How long a beat stays readable: well past RUNNER_LOST_MS, so a dead runner's last beat is seen unchanged. */
const BEAT_TTL_MS = 15_000;

export interface HeartbeatSource {
  name: string;
  capacity: number;
  runner: Runner;
  busy(): number;
  activeRuns(): string[];
  draining(): boolean;
}

/**
 * Advertises the runner every HEARTBEAT_MS: its capacity, runs under way, languages and
 * sandbox; the servers count it alive while its beat changes. Each beat also says again which
 * runs it has (Redis may have restarted and lost those keys).
 */
export class RunnerHeartbeat {
  private beat = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly wire: RunWire,
    private readonly source: HeartbeatSource,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    void this.send();
    this.timer = setInterval(() => void this.send(), HEARTBEAT_MS);
  }

  /** Beats now (a change of state: draining). */
  send(): Promise<void> {
    const { source, wire } = this;
    const status = source.runner.sandboxStatus();
    this.beat += 1;
    const beat: RunnerBeat = {
      name: source.name,
      capacity: status.ok ? source.capacity : 0,
      busy: source.busy(),
      draining: source.draining(),
      beat: this.beat,
      sandbox: { ok: status.ok, reason: status.ok ? null : status.reason },
      languages: source.runner.availableLanguages(),
    };
    const pipeline = this.redis
      .multi()
      .sadd(wire.runners, source.name)
      .set(wire.runnerBeat(source.name), JSON.stringify(beat), "PX", BEAT_TTL_MS);
    for (const runId of source.activeRuns()) pipeline.set(wire.runner(runId), source.name, "EX", 3600);
    return pipeline.exec().then(
      () => undefined,
      (err: unknown) => this.onError(err),
    );
  }

  /** Stops beating and removes the runner from the list. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.redis
      .multi()
      .srem(this.wire.runners, this.source.name)
      .del(this.wire.runnerBeat(this.source.name))
      .exec()
      .catch(this.onError);
  }
}
