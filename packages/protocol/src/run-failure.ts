import type { PendingRunOutcome, RunStatus } from "./runs.ts";

/**
 * How a student's program failed: it did not compile, it crashed or exited nonzero, or a limit
 * of the sandbox stopped it. The one definition of a failed run, shared by the server's roster
 * (`failedInARow`) and the teacher's dashboard ("with errors", "failing repeatedly").
 */
export const RUN_FAILURE_KINDS = ["compile", "runtime", "time", "memory", "output"] as const;
export type RunFailureKind = (typeof RUN_FAILURE_KINDS)[number];

/** A short label of each kind, for sentences such as "Last run: compile error". */
export const RUN_FAILURE_LABELS: Record<RunFailureKind, string> = {
  compile: "compile error",
  runtime: "runtime error",
  time: "time limit",
  memory: "memory limit",
  output: "output limit",
};

/** What the definition reads of a run: a summary, a history entry or a run all have it. */
export type JudgedRun = Pick<
  PendingRunOutcome,
  "exitCode" | "signal" | "timedOut" | "killedFor" | "phase"
> & {
  status: RunStatus;
};

/**
 * Whether a run's ending says anything about the student's program: it finished by itself or
 * was stopped by a limit. A run still under way, one stopped by a person (Stop, or a new Run
 * replacing it) and one the server could not run at all (`status: "failed"`: no sandbox, or
 * the server restarted during it) say nothing — they neither fail nor succeed.
 */
export function hasVerdict(run: JudgedRun): boolean {
  return run.status === "finished" && run.killedFor !== "user";
}

/**
 * The kind of failure of a run, or null when it did not fail (exit 0, or no verdict: see
 * `hasVerdict`). Limits come first: a program stopped for time also has a signal.
 */
export function runFailure(run: JudgedRun): RunFailureKind | null {
  if (!hasVerdict(run)) return null;
  if (run.timedOut || run.killedFor === "time" || run.killedFor === "cpu") return "time";
  if (run.killedFor === "memory") return "memory";
  if (run.killedFor === "output") return "output";
  if (run.phase === "compile" && run.exitCode !== 0) return "compile";
  if (run.signal !== null || run.exitCode !== 0) return "runtime";
  return null;
}

/**
 * The streak of failed runs after `run` ended: one more when it failed, none when it
 * succeeded, unchanged when its ending says nothing (see `hasVerdict`).
 */
export function nextFailedInARow(failedInARow: number, run: JudgedRun): number {
  if (!hasVerdict(run)) return failedInARow;
  return runFailure(run) === null ? 0 : failedInARow + 1;
}

/** Failed runs in a row from which the dashboard calls a student "failing repeatedly". */
export const FAILING_REPEATEDLY_RUNS = 3;
