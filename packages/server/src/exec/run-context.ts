import type { RunLimits } from "./limits.ts";
import { LiveRun, type RunControl } from "./live-run.ts";
import type { RunPhase, RunResult } from "./runner.ts";
import { OutputMeter, type SandboxProcess } from "./sandbox-process.ts";

/** One run under way: its handle, output meter, current process, and input kept for the program. */
export class RunContext implements RunControl {
  readonly run: LiveRun;
  readonly meter: OutputMeter;
  current: SandboxProcess | null = null;
  readonly pendingInput: string[] = [];
  killed = false;

  constructor(
    readonly id: string,
    readonly hostDir: string,
    public cols: number,
    public rows: number,
    compiles: boolean,
    limits: RunLimits,
  ) {
    this.run = new LiveRun(id, compiles ? "compiling" : "running", this, limits.stdinBytes);
    this.meter = new OutputMeter(limits.outputBytes, (chunk) => this.run.pushOutput(chunk));
  }

  /** Input goes to the program once it runs; typed earlier (during the compile), it waits. */
  write(data: string): void {
    if (this.current && this.run.status === "running") this.current.write(data);
    else this.pendingInput.push(data);
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.current?.resize(cols, rows);
  }

  kill(): void {
    this.killed = true;
    this.current?.kill("user");
  }
}

/** Fills in what a result needs when the run ends before or without a process. */
export function emptyResult(
  phase: RunPhase,
  killedFor: RunResult["killedFor"],
  truncated: boolean,
): RunResult {
  return {
    exitCode: null,
    signal: null,
    timedOut: false,
    outputTruncated: truncated,
    durationMs: 0,
    killedFor,
    phase,
  };
}
