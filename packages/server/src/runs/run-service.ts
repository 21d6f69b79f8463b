import { randomUUID } from "node:crypto";
import type { Language, LanguagesReply, RunSummary } from "@observer/protocol";
import type { FastifyBaseLogger } from "fastify";
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
import type { Db } from "../storage/database.ts";
import { quotaMessage, type StudentQuota, TRIMMED_OUTPUT_CHARS } from "../storage/student-quota.ts";
import { trackRun } from "./run-recorder.ts";
import { exposeRun } from "./run-relay.ts";
import { type LiveRunRecord, summarizeLiveRun } from "./run-summary.ts";

/** Output and queue-place updates of one run on the session channel, at most this often (state changes go at once). */
const OUTPUT_UPDATE_MS = 250;

interface Engine {
  runner: Runner;
  queue: RunQueue;
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
  private queue: RunQueue | null = null;
  private readonly observers: RunObserver[] = [];

  constructor(private readonly deps: RunServiceDeps) {}

  /** Checks the sandbox and the toolchains once; later calls share the result. */
  prepare(): Promise<Engine> {
    this.engine ??= (async () => {
      const { config, log } = this.deps;
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
      return { runner, queue };
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
    this.live.set(id, entry);
    this.follow(entry);
    const tracking = trackRun(
      this.deps.db,
      handle,
      {
        sessionId: request.sessionId,
        userId: request.userId,
        startedBy: request.startedBy,
        language: request.language,
        code: request.code,
      },
      this.deps.log,
      (wanted) => storage.outputRoom(request.sessionId, request.userId, id, wanted),
    );
    entry.recorded = tracking.finished;
    // Several instances: terminals attached elsewhere follow and type through the bus.
    if (this.deps.config.redisUrl) await exposeRun(this.deps.bus, id, handle);
    void entry.recorded.finally(() => this.live.delete(id));
    // Alone, this instance answers for the run from memory until its row is final. With other
    // instances, the row exists before the client hears of the run (they read it).
    if (this.deps.config.redisUrl) await tracking.inserted;
    return entry;
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
    const { runner, queue } = await this.engine;
    await queue.dispose();
    await runner.dispose();
    await Promise.all([...this.live.values()].map((e) => e.recorded));
  }
}
