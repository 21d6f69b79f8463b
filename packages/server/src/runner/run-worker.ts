import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { EventBus } from "../bus/event-bus.ts";
import {
  type RunHandle,
  type Runner,
  RunnerError,
  type RunResult,
  type RunSpec,
  stoppedResult,
} from "../exec/index.ts";
import {
  execTopic,
  RUN_QUEUE,
  type RunControl,
  type RunJobResult,
  type RunWire,
  runJobSchema,
} from "../remote-runs/run-wire.ts";
import { storableOutput } from "../runs/run-output.ts";
import { answerSnapshot, exposeRun, outTopic } from "../runs/run-relay.ts";

/** Input items read from a run's list at a time. */
const INPUT_BATCH = 100;
/** How long a runner answers snapshots of a finished run (an instance adopting it may ask late). */
const LINGER_MS = 60_000;

export interface RunWorkerLog {
  info(obj: object, message: string): void;
  warn(obj: object, message: string): void;
  error(obj: object, message: string): void;
}

export interface RunWorkerDeps {
  name: string;
  capacity: number;
  runner: Runner;
  wire: RunWire;
  /** Commands (not blocking). */
  redis: Redis;
  /** The connection BullMQ's worker blocks on (maxRetriesPerRequest: null). */
  queueRedis: Redis;
  bus: EventBus;
  log: RunWorkerLog;
}

/**
 * The runner's side of the queue: a BullMQ worker taking at most `capacity` runs at once,
 * each run in the local sandbox with its output and states on the bus (from the start: the
 * instance that owns the run follows it) and its input, size and Stop read from Redis.
 */
export class RunWorker {
  private worker: Worker | null = null;
  private readonly active = new Map<string, RunHandle>();

  constructor(private readonly deps: RunWorkerDeps) {}

  /** Runs under way now. */
  get busy(): number {
    return this.active.size;
  }

  /** The ids of the runs under way (the heartbeat says again that this runner has them). */
  activeRuns(): string[] {
    return [...this.active.keys()];
  }

  start(): void {
    const { wire, capacity, queueRedis, log } = this.deps;
    this.worker = new Worker(RUN_QUEUE, (job) => this.process(job), {
      connection: queueRedis,
      prefix: wire.queuePrefix,
      concurrency: capacity,
      name: this.deps.name,
      // A run is never run twice: a stalled one (its runner died) fails, and the instance that
      // owns it has already told its student ("runner lost", by the heartbeat).
      maxStalledCount: 0,
      removeOnComplete: { age: 300, count: 5000 },
      removeOnFail: { age: 3600, count: 5000 },
    });
    this.worker.on("error", (err) => log.warn({ err }, "runner: queue error"));
  }

  /** Takes nothing new and waits until every run under way has ended. */
  async drain(): Promise<void> {
    await this.worker?.close();
  }

  private async process(job: Job): Promise<RunJobResult> {
    const { wire, redis, bus, runner, name, log } = this.deps;
    const data = runJobSchema.parse(job.data);
    const id = data.runId;
    const end = async (result: RunResult, transcript: string): Promise<RunJobResult> => {
      await bus.publish(outTopic(id), { kind: "exit", result, length: transcript.length });
      return { result, output: storableOutput(transcript).text, outputLength: transcript.length };
    };
    // Redis lost its queue and an instance queued the run again: the runner that has it keeps it.
    if (!(await wire.claim(redis, id, name))) {
      log.warn({ runId: id }, "runner: run already taken by another runner");
      return { result: stoppedResult(null), output: "", outputLength: 0 };
    }
    // Stopped, or replaced by a newer run of the student, while it waited.
    const [killed, current] = await redis.mget(wire.kill(id), wire.student(data.owner));
    if (killed || (current !== null && current !== id)) return end(stoppedResult("user"), "");

    await bus.publish(outTopic(id), { kind: "taken", runner: name });
    const spec: RunSpec = {
      id,
      language: data.language,
      code: data.code,
      stdin: data.stdin,
      cols: data.cols,
      rows: data.rows,
      limits: data.wallTimeMs ? { wallTimeMs: data.wallTimeMs } : undefined,
    };
    let handle: RunHandle;
    try {
      handle = runner.start(spec);
    } catch (err) {
      const message = err instanceof RunnerError ? err.message : `The runner failed: ${String(err)}`;
      const notice = `\r\n\x1b[31m[${message}]\x1b[0m\r\n`;
      await bus.publish(outTopic(id), { kind: "output", offset: 0, data: notice });
      return end(stoppedResult(null), notice);
    }
    this.active.set(id, handle);
    try {
      await exposeRun(bus, id, handle, { watched: true, lingerMs: LINGER_MS, input: false });
      // The state it started in is no event of the handle's: said once here.
      if (handle.status !== "finished")
        await bus.publish(outTopic(id), { kind: "status", status: handle.status, position: null });
      const control = this.controlOf(id, handle);
      let ended: RunResult | null = null;
      void handle.result.then((r) => {
        ended = r;
      });
      const unsubscribe = await bus.subscribe(execTopic(id), (message) => {
        if (message.kind === "snapshot") answerSnapshot(bus, id, message.reply, handle, ended);
        else void control();
      });
      await control();
      const result = await handle.result;
      // Snapshots are still answered a while (an owner that missed the end asks for one).
      setTimeout(() => void unsubscribe(), LINGER_MS).unref();
      return {
        result,
        output: storableOutput(handle.transcript).text,
        outputLength: handle.transcript.length,
      };
    } catch (err) {
      // Redis failed under the run: the program still ends (its wall time), the owner learns
      // how from the bus or, failing that, from the heartbeat.
      log.error({ err, runId: id }, "runner: a run's relay failed");
      handle.kill();
      throw err;
    } finally {
      this.active.delete(id);
    }
  }

  /** Reads the run's Stop, size and input from Redis; calls while it reads make it read once more. */
  private controlOf(id: string, handle: RunHandle): () => Promise<void> {
    const { wire, redis, log } = this.deps;
    let reading = false;
    let again = false;
    let size: string | null = null;
    const read = async (): Promise<void> => {
      const [kill, wanted] = await redis.mget(wire.kill(id), wire.size(id));
      if (kill) handle.kill();
      if (wanted && wanted !== size) {
        size = wanted;
        const [cols, rows] = wanted.split("x").map(Number);
        if (cols && rows) handle.resize(cols, rows);
      }
      for (;;) {
        const items = await redis.lpop(wire.input(id), INPUT_BATCH);
        if (!items || items.length === 0) break;
        for (const raw of items) {
          try {
            const item = JSON.parse(raw) as RunControl;
            if (item.kind === "stdin" && typeof item.data === "string") handle.write(item.data);
          } catch {
            // Not ours: skipped.
          }
        }
      }
    };
    return async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          await read();
        } while (again);
      } catch (err) {
        log.warn({ err, runId: id }, "runner: cannot read a run's input");
      } finally {
        reading = false;
      }
    };
  }
}
