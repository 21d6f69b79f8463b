import { randomUUID } from "node:crypto";
import type { Language, LanguagesReply, RunSummary } from "@observer/protocol";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import type { EventBus } from "../bus/event-bus.ts";
import { publishSessionEvent } from "../bus/session-events.ts";
import type { Config } from "../config.ts";
import { AppError, fail } from "../errors.ts";
import {
  LocalBwrapRunner,
  type RunHandle,
  type Runner,
  RunnerError,
  RunQueue,
  type RunResult,
} from "../exec/index.ts";
import { startRemoteRuns } from "../remote-runs/remote-engine.ts";
import type { RemoteRunQueue } from "../remote-runs/remote-run-queue.ts";
import type { RunJobResult } from "../remote-runs/run-wire.ts";
import type { Db } from "../storage/database.ts";
import type { RunRow } from "../storage/schema.ts";
import { quotaMessage, type StudentQuota, TRIMMED_OUTPUT_CHARS } from "../storage/student-quota.ts";
import { trackRun } from "./run-recorder.ts";
import { exposeRun } from "./run-relay.ts";
import { type LiveRunRecord, summarizeLiveRun } from "./run-summary.ts";

/** Output and queue-place updates of one run on the session channel, at most this often (state changes go at once). */
const OUTPUT_UPDATE_MS = 250;

/** Where programs run: this instance's sandbox (RunQueue), or the runners (RemoteRunQueue). */
interface Engine {
  runner: Pick<Runner, "sandboxStatus" | "availableLanguages" | "dispose">;
  queue: Pick<RunQueue, "submit" | "stats" | "dispose">;
  /** Remote runs: takes over the runs of an instance that died. */
  remote: RemoteRunQueue | null;
  /** Where runs can go, install-wide with runners (the metrics). */
  capacity(): Promise<RunCapacity>;
}

/** Runs waiting for a slot, the runners alive and their slots (this instance's own when local). */
export interface RunCapacity {
  queueDepth: number;
  runnersAlive: number;
  slotsBusy: number;
  slotsTotal: number;
}

class LiveEntry implements LiveRunRecord {
  startedAt: Date | null = null;
  result: RunResult | null = null;
  /** The run's row is final (its result written). */
  recorded: Promise<void> = Promise.resolve();
  constructor(
    readonly handle: RunHandle,
    readonly sessionId: string,
    readonly teacherId: string,
    readonly userId: string,
    readonly startedBy: string,
    readonly language: Language,
    readonly queuedAt: Date,
  ) {}
}

export interface RunRequest {
  sessionId: string;
  teacherId: string;
  /** The student the run is for. */
  userId: string;
  startedBy: string;
  language: Language;
  code: string;
  stdin?: string;
  cols?: number;
  rows?: number;
  wallTimeMs: number;
}

/** A run of a dead instance's, as its row says. */
export type AdoptedRun = Omit<RunRow, "output">;

/** Who wants to know when runs start and end (the metrics). */
export interface RunObserver {
  started(waitMs: number): void;
  finished(language: Language, result: RunResult): void;
}

export interface RunServiceDeps {
  db: Db;
  bus: EventBus;
  config: Config;
  log: FastifyBaseLogger;
  /** The students' storage quota: a run is refused when not even the end of its output could be kept. */
  storage: StudentQuota;
  /** Redis (REDIS_URL), or null alone. */
  redis: Redis | null;
  /** This instance's id (its runs are recorded with it; its heartbeat says it is alive). */
  instanceId: string;
}

/**
 * The server's programs: one runner and one queue (made at the first use, or at start when
 * configured), the runs under way on this instance, their records in the database and their
 * updates on the session channel.
 */
export class RunService {
  private engine: Promise<Engine> | null = null;
  private readonly live = new Map<string, LiveEntry>();
  private closed = false;
  private queue: Engine["queue"] | null = null;
  private readonly observers: RunObserver[] = [];

  constructor(private readonly deps: RunServiceDeps) {}

  /** Checks the sandbox and the toolchains once; later calls share the result. */
  prepare(): Promise<Engine> {
    this.engine ??= (async () => {
      const { config, log, redis } = this.deps;
      if (config.runs.runners === "remote") {
        if (!redis) throw new Error("OBSERVER_RUNNERS=remote needs REDIS_URL");
        const engine = await startRemoteRuns({
          config,
          redis,
          bus: this.deps.bus,
          log,
          instanceId: this.deps.instanceId,
        });
        this.queue = engine.queue;
        return {
          ...engine,
          capacity: async () => {
            const counts = engine.registry.counts();
            return {
              queueDepth: await engine.depth(),
              runnersAlive: counts.alive,
              slotsBusy: counts.busy,
              slotsTotal: counts.slots,
            };
          },
        };
      }
      const runner = await LocalBwrapRunner.create({
        sandbox: config.runs.sandbox,
        log,
        limits: config.runs.limits,
        bwrapPath: config.runs.bwrapPath,
      });
      const status = runner.sandboxStatus();
      if (!status.ok) log.error(`Code runner: programs cannot run here: ${status.reason}`);
      else log.info(`Code runner: ${status.mode} sandbox, limits by ${status.limiter}`);
      const queue = new RunQueue(runner, { concurrency: config.runs.concurrency });
      this.queue = queue;
      return {
        runner,
        queue,
        remote: null,
        capacity: async () => ({
          queueDepth: queue.stats.queued,
          runnersAlive: status.ok ? 1 : 0,
          slotsBusy: queue.stats.running,
          slotsTotal: status.ok ? queue.concurrency : 0,
        }),
      };
    })();
    return this.engine;
  }

  async languages(): Promise<LanguagesReply> {
    const { runner } = await this.prepare();
    const status = runner.sandboxStatus();
    return {
      languages: runner.availableLanguages(),
      sandbox: { available: status.ok, reason: status.ok ? null : status.reason },
    };
  }

  /**
   * Queues a run (stopping the student's previous one), records it and reports it on the session
   * channel. Throws sandbox_unavailable or language_unavailable (503) when it cannot run here.
   */
  async start(request: RunRequest): Promise<LiveRunRecord> {
    if (this.closed) throw fail("service_unavailable");
    const { storage } = this.deps;
    if (!(await storage.makeRoom("run_output", request.sessionId, request.userId, TRIMMED_OUTPUT_CHARS))) {
      throw fail("storage_quota_exceeded", `${quotaMessage(storage.quotaBytes)} No more runs can be kept.`);
    }
    const { queue } = await this.prepare();
    const id = randomUUID();
    let handle: RunHandle;
    try {
      handle = queue.submit(request.userId, {
        id,
        language: request.language,
        code: request.code,
        stdin: request.stdin,
        cols: request.cols,
        rows: request.rows,
        limits: { wallTimeMs: request.wallTimeMs },
      });
    } catch (err) {
      if (err instanceof RunnerError) throw new AppError(err.code, err.message);
      throw err;
    }
    const entry = new LiveEntry(
      handle,
      request.sessionId,
      request.teacherId,
      request.userId,
      request.startedBy,
      request.language,
      new Date(),
    );
    const tracking = await this.register(entry, { code: request.code, adopted: false });
    // The row exists before the client hears of the run (the program is already queued): a
    // list of the session's runs read at once has it, and so do other instances.
    await tracking.inserted;
    return entry;
  }

  /** Follows a live run on this instance: its updates on the channel, its record, its relay. */
  private async register(entry: LiveEntry, options: { code: string; adopted: boolean }) {
    const { handle } = entry;
    const id = handle.id;
    this.live.set(id, entry);
    this.follow(entry);
    const tracking = trackRun(
      this.deps.db,
      handle,
      {
        sessionId: entry.sessionId,
        userId: entry.userId,
        startedBy: entry.startedBy,
        language: entry.language,
        code: options.code,
        instanceId: this.deps.instanceId,
        adopted: options.adopted,
      },
      this.deps.log,
      (wanted) => this.deps.storage.outputRoom(entry.sessionId, entry.userId, id, wanted),
    );
    entry.recorded = tracking.finished;
    // Several instances: terminals attached elsewhere follow and type through the bus.
    if (this.deps.config.redisUrl) await exposeRun(this.deps.bus, id, handle);
    void entry.recorded.finally(() => this.live.delete(id));
    return tracking;
  }

  /**
   * Takes over a run recorded by an instance that died (remote runs): follows it to its end
   * and records it here. False when it cannot be followed (the caller then ends its row).
   */
  async adopt(row: AdoptedRun, teacherId: string): Promise<"following" | RunJobResult | null> {
    const { remote } = await this.prepare();
    if (!remote || row.status === "finished" || row.status === "failed") return null;
    const adopted = await remote.adopt(row.id, row.status);
    if (!adopted || "ended" in adopted) return adopted ? adopted.ended : null;
    const entry = new LiveEntry(
      adopted.handle,
      row.session_id,
      teacherId,
      row.user_id,
      row.started_by,
      row.language,
      row.queued_at,
    );
    entry.startedAt = row.started_at;
    await this.register(entry, { code: "", adopted: true });
    return "following";
  }

  /** Reports the run's state changes at once and its output at most every OUTPUT_UPDATE_MS. */
  private follow(entry: LiveEntry): void {
    let timer: NodeJS.Timeout | null = null;
    const publish = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      this.publish(entry.sessionId, summarizeLiveRun(entry));
    };
    let reported: string | null = null;
    entry.handle.on("status", (event) => {
      if (event.status !== "queued" && !entry.startedAt) {
        entry.startedAt = new Date();
        const waitMs = entry.startedAt.getTime() - entry.queuedAt.getTime();
        for (const o of this.observers) o.started(waitMs);
      }
      // A new state goes at once; a new place in the queue (every run ahead that starts: n²
      // events in a burst of n) goes with the next throttled update.
      if (event.status !== reported) {
        reported = event.status;
        publish();
      } else timer ??= setTimeout(publish, OUTPUT_UPDATE_MS);
    });
    entry.handle.on("output", () => {
      timer ??= setTimeout(publish, OUTPUT_UPDATE_MS);
    });
    void entry.handle.result.then((result) => {
      entry.result = result;
      for (const o of this.observers) o.finished(entry.language, result);
      publish();
    });
    // The first report (queued, position) once listeners of the caller are attached.
    queueMicrotask(() => {
      reported ??= entry.handle.status;
      publish();
    });
  }

  private publish(sessionId: string, run: RunSummary): void {
    publishSessionEvent(this.deps.bus, sessionId, { type: "run_update", run }).catch((err: unknown) =>
      this.deps.log.warn({ err }, "runs: cannot publish a run update"),
    );
  }

  observe(observer: RunObserver): void {
    this.observers.push(observer);
  }

  /** Where runs can go: the queue's depth and the slots (null before the engine has started). */
  async capacity(): Promise<RunCapacity | null> {
    if (!this.engine) return null;
    return (await this.engine).capacity();
  }

  /** Runs waiting and running on this instance (none before the first run). */
  stats(): { queued: number; running: number } {
    return this.queue?.stats ?? { queued: 0, running: 0 };
  }

  /** A run under way on this instance (or just ended, until its row is final). */
  get(id: string): LiveRunRecord | undefined {
    return this.live.get(id);
  }

  /** The runs of a session under way on this instance, as the channel reports them. */
  liveSummaries(sessionId: string): RunSummary[] {
    const out: RunSummary[] = [];
    for (const entry of this.live.values())
      if (entry.sessionId === sessionId) out.push(summarizeLiveRun(entry));
    return out;
  }

  /** Stops every run of a session (it ended). */
  stopSession(sessionId: string): void {
    for (const entry of this.live.values()) if (entry.sessionId === sessionId) entry.handle.kill();
  }

  /** Stops every run and waits until they are gone and recorded. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.engine) return;
    const { runner, queue, remote } = await this.engine;
    await queue.dispose();
    await runner.dispose();
    // Remote runs go on on their runners: another instance (or this one's successor) adopts them.
    if (!remote) await Promise.all([...this.live.values()].map((e) => e.recorded));
  }
}
