import { randomUUID } from "node:crypto";
import type { LiveRunStatus } from "@observer/protocol";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { EventBus } from "../bus/event-bus.ts";
import { DEFAULT_RUN_LIMITS } from "../exec/limits.ts";
import { LiveRun } from "../exec/live-run.ts";
import { stoppedResult } from "../exec/run-queue.ts";
import { type RunHandle, RunnerError, type RunResult, type RunSpec } from "../exec/runner.ts";
import { outTopic, type RunOutput, type RunSnapshot, replyTopic } from "../runs/run-relay.ts";
import {
  execTopic,
  HEARTBEAT_MS,
  RUNNER_LOST,
  type RunJob,
  type RunJobResult,
  type RunWire,
  runJobResultSchema,
} from "./run-wire.ts";
import type { RunnerRegistry } from "./runner-registry.ts";

/** How often queue places and lost runners are checked while this instance has runs. */
const WATCH_EVERY_MS = HEARTBEAT_MS / 2;
/**
 * How long a snapshot request waits for the runner, and how many times it is sent (a request
 * published while the runner's connection is not back yet is lost: pub/sub keeps nothing).
 */
const SNAPSHOT_TIMEOUT_MS = 1000;
const SNAPSHOT_ATTEMPTS = 8;
/** After Redis is back, how long runners get to say which runs they have before lost jobs are queued again. */
const RECONCILE_DELAY_MS = 2 * HEARTBEAT_MS;

export const RUNNER_LOST_NOTICE =
  "\r\n\x1b[31m[The machine running this program stopped answering: the run ended. Run it again.]\x1b[0m\r\n";

export interface RemoteRunLog {
  warn(obj: object, message: string): void;
  error(obj: object, message: string): void;
}

export interface RemoteRunQueueDeps {
  /** Commands that wait through a Redis outage (maxRetriesPerRequest: null). */
  redis: Redis;
  queue: Queue;
  bus: EventBus;
  wire: RunWire;
  registry: RunnerRegistry;
  instanceId: string;
  log: RemoteRunLog;
}

/** One run this instance owns: queued in Redis, run by a runner, followed through the bus. */
class RemoteRun {
  handle!: LiveRun;
  /** The runner that took it, once known. */
  runner: string | null = null;
  /** How much of the runner's transcript the handle holds. */
  delivered = 0;
  private ops: Promise<void> = Promise.resolve();
  unsubscribe: (() => Promise<void>) | null = null;
  resyncing: Promise<void> | null = null;
  /** The phase it is in, for a result made here (runner lost). */
  phase: RunResult["phase"] = "run";

  constructor(
    readonly id: string,
    readonly job: RunJob,
  ) {}

  /** Redis operations of the run, in order (input typed early goes after the queueing). */
  chain(op: () => Promise<unknown>, onError: (err: unknown) => void): void {
    this.ops = this.ops.then(op).then(
      () => undefined,
      (err: unknown) => onError(err),
    );
  }

  get ended(): boolean {
    return this.handle.status === "finished";
  }
}

/**
 * The queue of a server with OBSERVER_RUNNERS=remote: the same handles as RunQueue (one run
 * per student, first in first out, places told), but the queue is BullMQ's in Redis, shared by
 * every instance, and the programs run on runner processes. This instance follows each of its
 * runs on the bus (output with offsets: a gap is filled by a snapshot from the runner), types
 * into it through Redis, and ends it as failed ("runner lost") when its runner stops beating.
 */
export class RemoteRunQueue {
  private readonly runs = new Map<string, RemoteRun>();
  private readonly timer: NodeJS.Timeout;
  private watching: Promise<void> | null = null;

  constructor(private readonly deps: RemoteRunQueueDeps) {
    this.timer = setInterval(() => {
      this.watching ??= this.watch().finally(() => {
        this.watching = null;
      });
    }, WATCH_EVERY_MS);
    this.timer.unref();
    deps.registry.onReconnect(() => {
      setTimeout(() => void this.reconcile(), RECONCILE_DELAY_MS).unref();
    });
  }

  get stats(): { queued: number; running: number } {
    let queued = 0;
    let running = 0;
    for (const run of this.runs.values()) {
      if (run.handle.status === "queued") queued += 1;
      else if (!run.ended) running += 1;
    }
    return { queued, running };
  }

  /** Queues a run for `owner` (a student) and stops the student's previous run, wherever it is. */
  submit(owner: string, spec: RunSpec): RunHandle {
    const { registry } = this.deps;
    const status = registry.sandboxStatus();
    if (!status.ok)
      throw new RunnerError("sandbox_unavailable", `Programs cannot run right now: ${status.reason}`);
    const language = registry.availableLanguages().find((l) => l.id === spec.language);
    if (!language?.available) {
      throw new RunnerError(
        "language_unavailable",
        `${language?.label ?? spec.language} is not installed on the runners.`,
      );
    }
    const id = spec.id ?? randomUUID();
    const job: RunJob = {
      runId: id,
      owner,
      language: spec.language,
      code: spec.code,
      stdin: spec.stdin,
      cols: spec.cols,
      rows: spec.rows,
      wallTimeMs: spec.limits?.wallTimeMs,
      queuedBy: this.deps.instanceId,
    };
    const run = this.track(id, job, "queued", spec.limits?.stdinBytes);
    run.chain(
      async () => {
        await this.follow(run);
        const previous = await this.deps.wire.takeStudentSlot(this.deps.redis, owner, id);
        if (previous) await this.stopAnywhere(previous);
        await this.deps.queue.add("run", job, { jobId: id });
        await this.updatePlaces();
      },
      (err) => this.failToQueue(run, err),
    );
    return run.handle;
  }

  /**
   * Takes over a run another instance owned (it died): follows it from a snapshot of its runner,
   * or reports how it ended when it already has. Null when nothing of it is left in Redis.
   */
  async adopt(
    id: string,
    status: LiveRunStatus,
  ): Promise<{ handle: RunHandle } | { ended: RunJobResult } | null> {
    const { queue, redis, wire } = this.deps;
    const job = await queue.getJob(id);
    const state = job ? await job.getState() : "unknown";
    if (job && state === "completed") {
      const parsed = runJobResultSchema.safeParse(job.returnvalue);
      return parsed.success ? { ended: parsed.data } : null;
    }
    if (!job || state === "failed" || state === "unknown") return null;
    const run = this.track(id, job.data as RunJob, status);
    run.runner = await redis.get(wire.runner(id));
    await this.follow(run);
    if (run.runner) await this.resync(run);
    return { handle: run.handle };
  }

  /** Stops following (this instance is stopping): the runs go on, and another instance adopts them. */
  async dispose(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.runs.values()].map((run) => run.unsubscribe?.()));
    this.runs.clear();
  }

  private track(id: string, job: RunJob, status: LiveRunStatus, stdinLimit?: number): RemoteRun {
    const { redis, wire, bus } = this.deps;
    const run = new RemoteRun(id, job);
    const wake = () => bus.publish(execTopic(id), { kind: "wake" });
    const onError = (err: unknown) => this.deps.log.warn({ err, runId: id }, "runs: cannot reach the runner");
    run.handle = new LiveRun(
      id,
      status,
      {
        write: (data) => run.chain(() => wire.pushInput(redis, id, data).then(wake), onError),
        resize: (cols, rows) => run.chain(() => wire.setSize(redis, id, cols, rows).then(wake), onError),
        kill: () => run.chain(() => this.stop(run), onError),
      },
      stdinLimit ?? DEFAULT_RUN_LIMITS.stdinBytes,
    );
    this.runs.set(id, run);
    void run.handle.result.then(() => {
      this.runs.delete(id);
      void run.unsubscribe?.();
    });
    return run;
  }

  private async follow(run: RemoteRun): Promise<void> {
    run.unsubscribe = await this.deps.bus.subscribe(outTopic(run.id), (message) => this.apply(run, message));
  }

  private apply(run: RemoteRun, message: RunOutput): void {
    if (run.ended) return;
    if (message.kind === "taken") run.runner = message.runner;
    else if (message.kind === "status") {
      run.phase = message.status === "compiling" ? "compile" : "run";
      run.handle.setStatus(message.status, message.position ?? undefined);
    } else if (message.kind === "output") {
      if (message.offset > run.delivered) {
        void this.resync(run);
        return;
      }
      const end = message.offset + message.data.length;
      if (end <= run.delivered) return;
      run.handle.pushOutput(message.data.slice(run.delivered - message.offset));
      run.delivered = end;
    } else if (message.kind === "exit") {
      if ((message.length ?? 0) > run.delivered)
        void this.resync(run).finally(() => run.handle.finish(message.result));
      else run.handle.finish(message.result);
    }
  }

  /** Asks the run's runner for its whole transcript and state (after a gap). */
  private resync(run: RemoteRun): Promise<void> {
    run.resyncing ??= (async () => {
      const { bus } = this.deps;
      const reply = replyTopic(run.id, randomUUID());
      let unsubscribe: (() => Promise<void>) | null = null;
      let answered: (snapshot: RunSnapshot) => void = () => {};
      const answer = new Promise<RunSnapshot>((resolve) => {
        answered = resolve;
      });
      unsubscribe = await bus.subscribe(reply, (snapshot) => answered(snapshot));
      let snapshot: RunSnapshot | null = null;
      for (let attempt = 0; attempt < SNAPSHOT_ATTEMPTS && !snapshot && !run.ended; attempt++) {
        await bus.publish(execTopic(run.id), { kind: "snapshot", reply }).catch(() => {});
        snapshot = await Promise.race([
          answer,
          new Promise<null>((resolve) => setTimeout(() => resolve(null), SNAPSHOT_TIMEOUT_MS).unref()),
        ]);
      }
      await (unsubscribe as (() => Promise<void>) | null)?.();
      if (!snapshot)
        this.deps.log.warn({ runId: run.id, runner: run.runner }, "runs: the runner sent no snapshot");
      if (!snapshot || run.ended) return;
      if (snapshot.transcript.length > run.delivered) {
        run.handle.pushOutput(snapshot.transcript.slice(run.delivered));
        run.delivered = snapshot.transcript.length;
      }
      if (snapshot.result) run.handle.finish(snapshot.result);
      else if (snapshot.status !== "finished") run.handle.setStatus(snapshot.status);
    })().finally(() => {
      run.resyncing = null;
    });
    return run.resyncing;
  }

  /** Stop: a queued run leaves the queue at once; a running one is killed by its runner. */
  private async stop(run: RemoteRun): Promise<void> {
    const { redis, wire, bus, queue } = this.deps;
    await wire.markKilled(redis, run.id);
    await bus.publish(execTopic(run.id), { kind: "wake" });
    if (!run.runner && (await queue.remove(run.id)) === 1) run.handle.finish(stoppedResult("user"));
  }

  /** Stops a run owned by any instance (a student's newer run replaces it). */
  private async stopAnywhere(runId: string): Promise<void> {
    const local = this.runs.get(runId);
    if (local) return this.stop(local);
    const { redis, wire, bus, queue } = this.deps;
    await wire.markKilled(redis, runId);
    await bus.publish(execTopic(runId), { kind: "wake" });
    // Still waiting: out of the queue, and its owner hears that it ended.
    if ((await queue.remove(runId)) === 1)
      await bus.publish(outTopic(runId), { kind: "exit", result: stoppedResult("user"), length: 0 });
  }

  private failToQueue(run: RemoteRun, err: unknown): void {
    this.deps.log.error({ err, runId: run.id }, "runs: cannot queue a run");
    run.handle.pushOutput("\r\n\x1b[31m[The run could not be queued: the server lost Redis.]\x1b[0m\r\n");
    run.handle.finish({ ...stoppedResult(null), failure: "not queued" });
  }

  /** Places in the queue, runners lost, runs taken unseen: every WATCH_EVERY_MS while there are runs. */
  private async watch(): Promise<void> {
    if (this.runs.size === 0) return;
    try {
      await this.updatePlaces();
      await this.checkRunners();
    } catch (err) {
      this.deps.log.warn({ err }, "runs: cannot watch the queue");
    }
  }

  private async updatePlaces(): Promise<void> {
    const queued = [...this.runs.values()].filter((r) => r.handle.status === "queued" && !r.runner);
    if (queued.length === 0) return;
    // Oldest first: BullMQ's waiting list, shared by every instance.
    const waiting = await this.deps.queue.getRanges(["wait"], 0, -1, true);
    const place = new Map(waiting.map((id, index) => [id, index + 1]));
    for (const run of queued) {
      // A runner took it while the list was read (its "running" came first, on the bus): the
      // list is older than that, and a run under way must not go back to "queued".
      if (run.runner || run.handle.status !== "queued") continue;
      const position = place.get(run.id);
      if (position !== undefined) run.handle.setStatus("queued", position);
      else run.runner = await this.deps.redis.get(this.deps.wire.runner(run.id));
    }
  }

  private async checkRunners(): Promise<void> {
    const { registry } = this.deps;
    for (const run of [...this.runs.values()]) {
      if (run.ended || !run.runner || !registry.isLost(run.runner)) continue;
      this.deps.log.warn({ runId: run.id, runner: run.runner }, "runs: runner lost");
      run.handle.pushOutput(RUNNER_LOST_NOTICE);
      run.handle.finish({ ...stoppedResult(null, run.phase), failure: RUNNER_LOST });
    }
  }

  /** After Redis came back: queued runs it forgot are queued again; running ones fill their gaps. */
  private async reconcile(): Promise<void> {
    const { queue, redis, wire } = this.deps;
    for (const run of [...this.runs.values()]) {
      if (run.ended) continue;
      try {
        if (!run.runner) run.runner = await redis.get(wire.runner(run.id));
        if (run.runner) {
          await this.resync(run);
          continue;
        }
        if (!(await queue.getJob(run.id))) {
          await wire.takeStudentSlot(redis, run.job.owner, run.id);
          await queue.add("run", run.job, { jobId: run.id });
        }
      } catch (err) {
        this.deps.log.warn({ err, runId: run.id }, "runs: cannot requeue after Redis came back");
      }
    }
  }
}
