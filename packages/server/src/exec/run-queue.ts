import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import { DEFAULT_RUN_LIMITS } from "./limits.ts";
import { LiveRun } from "./live-run.ts";
import type { RunHandle, Runner, RunResult, RunSpec } from "./runner.ts";
import { RunnerError } from "./runner.ts";

export interface RunQueueOptions {
  /** Runs at once; the number of cores by default. */
  concurrency?: number | null;
  /** Input accepted per run when its spec sets no limit (the runner's default). */
  stdinBytes?: number;
}

interface Entry {
  owner: string;
  spec: RunSpec;
  outer: LiveRun;
  inner: RunHandle | null;
  /** Input and size given while queued, replayed when the run starts. */
  pendingInput: string[];
  size: { cols: number; rows: number } | null;
  cancelled: boolean;
}

/**
 * The result of a run that ran no program to its end: stopped before it started (`user`), or
 * one that could not start or go on (`null`, in `phase`). Queues and runners of any kind share it.
 */
export function stoppedResult(
  killedFor: RunResult["killedFor"],
  phase: RunResult["phase"] = "run",
): RunResult {
  return {
    exitCode: null,
    signal: null,
    timedOut: false,
    outputTruncated: false,
    durationMs: 0,
    killedFor,
    phase,
  };
}

/**
 * Bounded concurrency in front of a Runner: at most `concurrency` runs at once, the others
 * first-in-first-out, each told its position; one run per owner (a student): a new run of the
 * same owner stops the previous one, queued or running. Handles are returned at once, in
 * state "queued"; a run holds its slot until its result has settled (all processes gone).
 */
export class RunQueue {
  readonly concurrency: number;
  private readonly stdinBytes: number;
  private readonly waiting: Entry[] = [];
  private readonly running = new Set<Entry>();
  private readonly byOwner = new Map<string, Entry>();

  constructor(
    private readonly runner: Runner,
    options: RunQueueOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? availableParallelism());
    this.stdinBytes = options.stdinBytes ?? DEFAULT_RUN_LIMITS.stdinBytes;
  }

  /** Runs waiting and running now. */
  get stats(): { queued: number; running: number } {
    return { queued: this.waiting.length, running: this.running.size };
  }

  /**
   * Queues a run for `owner` and stops the owner's previous run. Throws a RunnerError at once
   * when the sandbox is unavailable or the language is not installed.
   */
  submit(owner: string, spec: RunSpec): RunHandle {
    const status = this.runner.sandboxStatus();
    if (!status.ok)
      throw new RunnerError("sandbox_unavailable", `Programs cannot run on this server: ${status.reason}`);
    const language = this.runner.availableLanguages().find((l) => l.id === spec.language);
    if (!language?.available) {
      throw new RunnerError(
        "language_unavailable",
        `${language?.label ?? spec.language} is not installed on this server.`,
      );
    }
    const previous = this.byOwner.get(owner);
    if (previous) this.stop(previous);

    const id = spec.id ?? randomUUID();
    // Caps input typed while queued too; the runner's handle checks the whole run's input again.
    const stdinLimit = spec.limits?.stdinBytes ?? this.stdinBytes;
    const entry: Entry = {
      owner,
      spec: { ...spec, id },
      outer: undefined as unknown as LiveRun,
      inner: null,
      pendingInput: [],
      size: null,
      cancelled: false,
    };
    entry.outer = new LiveRun(
      id,
      "queued",
      {
        write: (data) => {
          if (entry.inner) entry.inner.write(data);
          else entry.pendingInput.push(data);
        },
        resize: (cols, rows) => {
          if (entry.inner) entry.inner.resize(cols, rows);
          else entry.size = { cols, rows };
        },
        kill: () => this.stop(entry),
      },
      stdinLimit,
    );
    this.byOwner.set(owner, entry);
    this.waiting.push(entry);
    // Starts and announces on the next microtask: listeners added right after submit() see every event.
    this.schedule();
    return entry.outer;
  }

  private stop(entry: Entry): void {
    if (entry.inner) {
      entry.inner.kill();
      return;
    }
    const index = this.waiting.indexOf(entry);
    if (index < 0 || entry.cancelled) return;
    entry.cancelled = true;
    this.waiting.splice(index, 1);
    this.release(entry);
    entry.outer.finish(stoppedResult("user"));
    this.schedule();
  }

  private release(entry: Entry): void {
    if (this.byOwner.get(entry.owner) === entry) this.byOwner.delete(entry.owner);
  }

  private scheduled = false;

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump();
      this.announcePositions();
    });
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.waiting.length > 0) {
      const entry = this.waiting.shift() as Entry;
      this.running.add(entry);
      this.launch(entry);
    }
  }

  private launch(entry: Entry): void {
    let inner: RunHandle;
    const spec = entry.size ? { ...entry.spec, cols: entry.size.cols, rows: entry.size.rows } : entry.spec;
    try {
      inner = this.runner.start(spec);
    } catch (err) {
      entry.outer.pushOutput(`\r\n\x1b[31m[${(err as Error).message}]\x1b[0m\r\n`);
      this.settled(entry, stoppedResult(null));
      return;
    }
    entry.inner = inner;
    if (inner.status !== "finished") entry.outer.setStatus(inner.status);
    const transcript = inner.transcript;
    if (transcript) entry.outer.pushOutput(transcript);
    inner.on("output", (chunk) => entry.outer.pushOutput(chunk));
    inner.on("status", (event) => entry.outer.setStatus(event.status, event.position));
    for (const data of entry.pendingInput.splice(0)) inner.write(data);
    void inner.result.then(
      (result) => this.settled(entry, result),
      (err) => {
        entry.outer.pushOutput(`\r\n\x1b[31m[${(err as Error).message}]\x1b[0m\r\n`);
        this.settled(entry, stoppedResult(null));
      },
    );
  }

  private settled(entry: Entry, result: RunResult): void {
    this.running.delete(entry);
    this.release(entry);
    entry.outer.finish(result);
    this.schedule();
  }

  private announcePositions(): void {
    this.waiting.forEach((entry, index) => {
      entry.outer.setStatus("queued", index + 1);
    });
  }

  /** Stops every run, queued or running, and waits until the running ones have ended. */
  async dispose(): Promise<void> {
    for (const entry of [...this.waiting]) this.stop(entry);
    const running = [...this.running];
    for (const entry of running) entry.inner?.kill();
    await Promise.all(running.map((e) => e.outer.result));
  }
}
