import { constants } from "node:os";
import type { CgroupLimits } from "./cgroup-limits.ts";
import type { Launcher } from "./launcher.ts";
import type { Pty } from "./pty-host.ts";
import type { RunCgroup } from "./run-cgroup.ts";
import type { KilledFor } from "./runner.ts";

/** Shown when a run's output reaches its limit. */
export function outputLimitNotice(limitBytes: number): string {
  const size =
    limitBytes >= 1024 * 1024
      ? `${Math.round(limitBytes / (1024 * 1024))} MB`
      : `${Math.round(limitBytes / 1024)} KB`;
  return `\r\n\x1b[0m\x1b[33m[Output limit of ${size} reached: the program was stopped.]\x1b[0m\r\n`;
}

/**
 * Counts a run's output (compiler and program together) against its limit and passes it on.
 * Past the limit it keeps the part that fits, adds the notice once and drops the rest.
 */
export class OutputMeter {
  private used = 0;
  truncated = false;

  constructor(
    private readonly limitBytes: number,
    private readonly sink: (chunk: string) => void,
  ) {}

  /** Passes `chunk` on; returns false when it crossed the limit (the caller stops the program). */
  push(chunk: string): boolean {
    if (this.truncated) return true;
    const size = Buffer.byteLength(chunk);
    if (this.used + size <= this.limitBytes) {
      this.used += size;
      this.sink(chunk);
      return true;
    }
    const room = this.limitBytes - this.used;
    const part = Buffer.from(chunk)
      .subarray(0, room)
      .toString("utf8")
      .replace(/\uFFFD$/, "");
    this.used = this.limitBytes;
    this.truncated = true;
    if (part) this.sink(part);
    this.sink(outputLimitNotice(this.limitBytes));
    return false;
  }
}

/** How one sandboxed process ended. */
export interface PhaseOutcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  killedFor: KilledFor;
  durationMs: number;
  /** A fork or thread was refused by the process limit. */
  processLimitHit: boolean;
}

export interface SandboxProcessOptions {
  /** The launcher's command: bwrap (or, without a sandbox, env) and the program. */
  command: string[];
  /** Per-process rlimits the launcher sets first (limits.ts, ulimitSpec). */
  ulimits: string;
  /** Files the launcher opens as descriptors 3, 4... for the command (bwrap's seccomp filter and options). */
  inputFiles: string[];
  cols: number;
  rows: number;
  wallTimeMs: number;
  cgroupLimits: CgroupLimits;
  output: OutputMeter;
  /**
   * bwrap reports a program killed by signal N as exit status 128+N: read it back as the
   * signal (a program that calls exit(130) is reported as SIGINT — the shells' convention).
   */
  exitStatusEncodesSignal: boolean;
}

/** Signal numbers to names; the first name wins (SIGABRT, not its alias SIGIOT). */
const SIGNAL_NAMES = new Map<number, string>();
for (const [name, num] of Object.entries(constants.signals))
  if (!SIGNAL_NAMES.has(num)) SIGNAL_NAMES.set(num, name);

function signalName(num: number): string {
  return SIGNAL_NAMES.get(num) ?? `SIG${num}`;
}

/**
 * One sandboxed process under a pseudo-terminal (node-pty), run by a Launcher: output goes to
 * the meter, a wall timer and the output limit kill it, and once it has exited every process
 * left in its cgroup is killed before `done` resolves. The cgroup itself is the caller's to remove.
 */
export class SandboxProcess {
  readonly done: Promise<PhaseOutcome>;
  private readonly pty: Pty;
  private readonly cgroup: RunCgroup | null;
  private killedFor: KilledFor = null;
  private timedOut = false;
  private exited = false;

  constructor(
    private readonly launcher: Launcher,
    private readonly options: SandboxProcessOptions,
  ) {
    const started = performance.now();
    this.pty = launcher.pty;
    this.cgroup = launcher.cgroup;
    if (options.cols !== 80 || options.rows !== 24) this.resize(options.cols, options.rows);
    const timer = setTimeout(() => {
      this.timedOut = true;
      this.kill("time");
    }, options.wallTimeMs);
    this.pty.onData((chunk) => {
      if (!options.output.push(chunk)) this.kill("output");
    });
    this.done = new Promise((resolve, reject) => {
      this.pty.onExit(({ exitCode, signal }) => {
        this.exited = true;
        clearTimeout(timer);
        const durationMs = Math.round(performance.now() - started);
        void this.settle(exitCode, signal ?? 0, durationMs).then(resolve, reject);
      });
    });
    launcher
      .exec(options.ulimits, options.command, options.cgroupLimits, options.inputFiles)
      .catch((err: unknown) => {
        if (this.killedFor) return; // stopped before it started: not a failure
        this.launchError = err instanceof Error ? err : new Error(String(err));
        this.kill("user");
      });
  }

  /** Why the launcher could not be handed its command; `done` then rejects with it. */
  private launchError: Error | null = null;

  private async settle(code: number, signalNumber: number, durationMs: number): Promise<PhaseOutcome> {
    const cgroup = this.cgroup;
    if (cgroup) await cgroup.killAll();
    if (this.launchError) throw this.launchError;
    const oomKills = cgroup ? cgroup.oomKills() : 0;
    const processLimitHit = cgroup ? cgroup.processLimitHit() : false;
    let exitCode: number | null = code;
    let signal: string | null = null;
    if (signalNumber > 0) {
      exitCode = null;
      signal = signalName(signalNumber);
    } else if (this.options.exitStatusEncodesSignal && code > 128 && code <= 128 + 64) {
      exitCode = null;
      signal = signalName(code - 128);
    }
    let killedFor = this.killedFor;
    if (killedFor) {
      exitCode = null;
      signal ??= "SIGKILL";
    } else if (oomKills > 0) {
      killedFor = "memory";
    } else if (signal === "SIGXCPU") {
      // RLIMIT_CPU: the CPU time is used up, not the wall time (timedOut stays false).
      killedFor = "cpu";
    }
    const timedOut = this.timedOut;
    return { exitCode, signal, timedOut, killedFor, durationMs, processLimitHit };
  }

  write(data: string): void {
    if (!this.exited) this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.exited) return;
    try {
      this.pty.resize(cols, rows);
    } catch {
      // the terminal closed meanwhile
    }
  }

  /** Stops the process and everything it started; the first reason given is the one reported. */
  kill(reason: NonNullable<KilledFor>): void {
    if (this.exited) return;
    this.killedFor ??= reason;
    // Killing bwrap makes the kernel kill the whole sandbox (--die-with-parent, then the end of
    // its PID namespace). With a cgroup, kill every process listed there; without one, the
    // launcher's process (or, without bwrap, its process group).
    if (this.cgroup) void this.cgroup.killAll();
    else this.launcher.killLeader(!this.options.exitStatusEncodesSignal);
  }
}
