import type { Language, LanguageAvailability, LiveRunStatus, RunResult } from "@observer/protocol";
import type { RunLimits } from "./limits.ts";

export type { KilledFor, RunPhase, RunResult } from "@observer/protocol";

/** What to run. */
export interface RunSpec {
  language: Language;
  code: string;
  /** Input fed to the program when it starts, followed by end-of-file (Ctrl-D). */
  stdin?: string;
  /** Limits of the program (not the compiler); unset fields take the runner's defaults. */
  limits?: Partial<RunLimits>;
  /** Terminal size; 80x24 when unset. */
  cols?: number;
  rows?: number;
  /** The run's id (a UUID); a fresh one when unset. The queue sets it so every layer shares it. */
  id?: string;
}

/** A status change: `position` (1-based) comes with `queued`. */
export interface RunStatusEvent {
  status: LiveRunStatus;
  position?: number;
}

export interface RunEvents {
  /** Terminal output, in order. Concatenated, the chunks equal `transcript`. */
  output: (chunk: string) => void;
  status: (event: RunStatusEvent) => void;
  /** The run ended; the same value as `result`. */
  exit: (result: RunResult) => void;
}

/**
 * One run, live. Invariants: output events arrive in order and `transcript` always holds all
 * output so far (capped by the output limit), so a late watcher reads `transcript` and then
 * subscribes to `output` in the same tick without missing or repeating anything; `result`
 * settles exactly once, after the last output event and after every process of the run is gone.
 */
export interface RunHandle {
  readonly id: string;
  /** The current state; "finished" once `result` has settled. */
  readonly status: LiveRunStatus | "finished";
  /** 1-based queue position while queued, else null. */
  readonly position: number | null;
  /** All output so far. */
  readonly transcript: string;
  /** Feeds the program's terminal (input typed before the program starts is kept for it). */
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Stops the run (killedFor "user"); harmless when it has ended. */
  kill(): void;
  on<E extends keyof RunEvents>(event: E, listener: RunEvents[E]): this;
  off<E extends keyof RunEvents>(event: E, listener: RunEvents[E]): this;
  readonly result: Promise<RunResult>;
}

/** Whether runs can be sandboxed here, and how memory is limited. */
export interface SandboxStatus {
  ok: boolean;
  /** Why not, when not ok; a note (e.g. "no cgroups: per-language memory limits") when ok. */
  reason: string | null;
  mode: "bwrap" | "none";
  /** How memory and processes are limited: a cgroup hierarchy, or rlimits and runtime flags only. */
  limiter: "cgroup-v1" | "cgroup-v2" | "rlimits";
}

/** Starts runs. Implementations: LocalBwrapRunner (real), and fakes in tests. */
export interface Runner {
  /**
   * Starts a run at once (no queueing: see RunQueue). Throws a RunnerError when the sandbox
   * is unusable (`sandbox_unavailable`) or the language's toolchain is missing.
   */
  start(spec: RunSpec): RunHandle;
  sandboxStatus(): SandboxStatus;
  /** Every language with its toolchain version, checked once. */
  availableLanguages(): LanguageAvailability[];
  /** Kills every run under way and waits until they are gone. */
  dispose(): Promise<void>;
}

export type RunnerErrorCode = "sandbox_unavailable" | "language_unavailable";

/**
 * Why a run could not start. `status` is the HTTP status the API should answer with; the
 * error catalogue of @observer/protocol needs entries for these codes when the route maps them.
 */
export class RunnerError extends Error {
  readonly status: number;
  constructor(
    readonly code: RunnerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "RunnerError";
    this.status = 503;
  }
}
