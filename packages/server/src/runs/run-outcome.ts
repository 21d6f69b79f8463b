import type {
  JudgedRun,
  PendingRunOutcome,
  Run,
  RunOutcome,
  RunResult,
  RunTerminalServerMessage,
} from "@observer/protocol";
import type { RunOutcomeColumns } from "../storage/runs.ts";
import type { RunRow } from "../storage/schema.ts";

/**
 * The one mapper of how a run ended (protocol `runOutcomeSchema`) between its forms on the
 * server: the runner's result, the runs table's columns, the API's run and summary, and the
 * terminal's `exit` message. A new outcome field is added here and in the protocol (and in the
 * table when it is stored).
 */

/** A runner's result as the outcome every reply carries. */
export function outcomeOf(result: RunResult): RunOutcome {
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    outputTruncated: result.outputTruncated,
    durationMs: result.durationMs,
    killedFor: result.killedFor,
    phase: result.phase,
    cpuTimeLimitMs: result.cpuTimeLimitMs ?? null,
  };
}

/** The outcome of a run that has not finished yet. */
const NO_OUTCOME: PendingRunOutcome = {
  exitCode: null,
  signal: null,
  timedOut: false,
  outputTruncated: false,
  durationMs: null,
  killedFor: null,
  phase: null,
  cpuTimeLimitMs: null,
};

/** The outcome fields of a run that may still be under way (null until it has a result). */
export function pendingOutcome(result: RunResult | null): PendingRunOutcome {
  return result ? outcomeOf(result) : { ...NO_OUTCOME };
}

/** The terminal's last message. */
export function exitMessage(result: RunResult): RunTerminalServerMessage {
  return {
    type: "exit",
    ...outcomeOf(result),
    ...(result.failure ? { failureReason: result.failure } : {}),
  };
}

/** A stored run's outcome back as a result (to replay its exit); a run that never ran reads as 0 ms in `run`. */
export function resultOfRun(run: Run): RunResult {
  return {
    exitCode: run.exitCode,
    signal: run.signal,
    timedOut: run.timedOut,
    outputTruncated: run.outputTruncated,
    durationMs: run.durationMs ?? 0,
    killedFor: run.killedFor,
    phase: run.phase ?? "run",
    cpuTimeLimitMs: run.cpuTimeLimitMs,
    ...(run.failureReason ? { failure: run.failureReason } : {}),
  };
}

/** The outcome of a row of the runs table. */
export function outcomeOfRow(row: Omit<RunRow, "output">): PendingRunOutcome {
  return {
    exitCode: row.exit_code,
    signal: row.signal,
    timedOut: row.timed_out,
    outputTruncated: row.output_truncated,
    durationMs: row.duration_ms,
    killedFor: row.killed_for,
    phase: row.phase,
    cpuTimeLimitMs: row.cpu_time_limit_ms,
  };
}

/** The columns of a run that say whether it failed (`runFailure`, `hasVerdict`). */
export type JudgedColumns = Pick<
  RunRow,
  "status" | "exit_code" | "signal" | "timed_out" | "killed_for" | "phase"
>;

/** What `runFailure` and `hasVerdict` (protocol run-failure.ts) read of a row of the runs table. */
export function judgedRow(row: JudgedColumns): JudgedRun {
  return {
    status: row.status,
    exitCode: row.exit_code,
    signal: row.signal,
    timedOut: row.timed_out,
    killedFor: row.killed_for,
    phase: row.phase,
  };
}

/** A result as the runs table stores it. */
export function outcomeColumns(result: RunResult): RunOutcomeColumns {
  return {
    exit_code: result.exitCode,
    signal: result.signal,
    timed_out: result.timedOut,
    output_truncated: result.outputTruncated,
    duration_ms: result.durationMs,
    killed_for: result.killedFor,
    phase: result.phase,
    cpu_time_limit_ms: result.cpuTimeLimitMs ?? null,
  };
}
