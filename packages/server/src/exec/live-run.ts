import { EventEmitter } from "node:events";
import type { LiveRunStatus } from "@observer/protocol";
import type { RunEvents, RunHandle, RunResult, RunStatusEvent } from "./runner.ts";

/** What the producer of a run (a runner, or the queue) does when the consumer acts. */
export interface RunControl {
  write(data: string): void;
  resize(cols: number, rows: number): void;
  kill(): void;
}

/** Shown once when a run's input exceeds its stdin limit. */
export const STDIN_LIMIT_NOTICE = "\r\n\x1b[33m[Input limit reached: further input is ignored.]\x1b[0m\r\n";

/**
 * The RunHandle that runners and the queue hand out. The producer calls pushOutput, setStatus
 * and finish; the consumer's write/resize/kill go to the RunControl. Enforces the stdin limit
 * (the whole run's input, counted in UTF-8 bytes) in one place.
 */
export class LiveRun extends EventEmitter implements RunHandle {
  private currentStatus: LiveRunStatus | "finished";
  private currentPosition: number | null = null;
  private chunks: string[] = [];
  private joined = "";
  private stdinUsed = 0;
  private stdinNoticeShown = false;
  private settle!: (result: RunResult) => void;
  private finalResult: RunResult | null = null;
  readonly result: Promise<RunResult>;

  constructor(
    readonly id: string,
    initialStatus: LiveRunStatus,
    private readonly control: RunControl,
    private readonly stdinLimit: number,
  ) {
    super();
    this.currentStatus = initialStatus;
    this.result = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  get status(): LiveRunStatus | "finished" {
    return this.currentStatus;
  }

  get position(): number | null {
    return this.currentPosition;
  }

  get transcript(): string {
    if (this.chunks.length > 0) {
      this.joined += this.chunks.join("");
      this.chunks = [];
    }
    return this.joined;
  }

  /** The run's result once it has ended, else null. */
  get ended(): RunResult | null {
    return this.finalResult;
  }

  write(data: string): void {
    if (this.finalResult || data.length === 0) return;
    const bytes = Buffer.byteLength(data);
    if (this.stdinUsed + bytes > this.stdinLimit) {
      const room = this.stdinLimit - this.stdinUsed;
      const allowed =
        room > 0
          ? Buffer.from(data)
              .subarray(0, room)
              .toString("utf8")
              .replace(/\uFFFD$/, "")
          : "";
      this.stdinUsed = this.stdinLimit;
      if (allowed) this.control.write(allowed);
      if (!this.stdinNoticeShown) {
        this.stdinNoticeShown = true;
        this.pushOutput(STDIN_LIMIT_NOTICE);
      }
      return;
    }
    this.stdinUsed += bytes;
    this.control.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.finalResult) return;
    this.control.resize(cols, rows);
  }

  kill(): void {
    if (this.finalResult) return;
    this.control.kill();
  }

  /** Producer: appends output and tells listeners. */
  pushOutput(chunk: string): void {
    if (this.finalResult || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.emit("output", chunk);
  }

  /** Producer: a new state (and queue position). Repeats of the same state and position are not emitted. */
  setStatus(status: LiveRunStatus, position?: number): void {
    if (this.finalResult) return;
    const nextPosition = status === "queued" ? (position ?? null) : null;
    if (status === this.currentStatus && nextPosition === this.currentPosition) return;
    this.currentStatus = status;
    this.currentPosition = nextPosition;
    const event: RunStatusEvent = nextPosition === null ? { status } : { status, position: nextPosition };
    this.emit("status", event);
  }

  /** Producer: the run has ended and every process of it is gone. Only the first call counts. */
  finish(result: RunResult): void {
    if (this.finalResult) return;
    this.finalResult = result;
    this.currentStatus = "finished";
    this.currentPosition = null;
    this.settle(result);
    this.emit("exit", result);
  }

  override on<E extends keyof RunEvents>(event: E, listener: RunEvents[E]): this {
    return super.on(event, listener);
  }

  override off<E extends keyof RunEvents>(event: E, listener: RunEvents[E]): this {
    return super.off(event, listener);
  }
}
