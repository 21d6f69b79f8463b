import { RUN_TAIL_CHARS, type Run, type RunSummary } from "@observer/protocol";
import type { RunHandle, RunResult } from "../exec/index.ts";
import type { RunRow } from "../exec/run-table.ts";

/**
 * The end of a run's output for a dashboard tile: at most RUN_TAIL_CHARS characters, starting
 * at a line break when the cut falls inside a line that has one after it (so a tile never starts
 * with half a line or half an escape sequence).
 */
export function outputTail(output: string, max = RUN_TAIL_CHARS): string {
  if (output.length <= max) return output;
  const cut = output.slice(-max);
  const lineBreak = cut.indexOf("\n");
  return lineBreak >= 0 && lineBreak < cut.length - 1 ? cut.slice(lineBreak + 1) : cut;
}

/** A run the server is running now, with who and what it is for. */
export interface LiveRunRecord {
  readonly handle: RunHandle;
  readonly sessionId: string;
  /** The session's teacher (who may watch the run besides its student). */
  readonly teacherId: string;
  readonly userId: string;
  readonly startedBy: string;
  readonly language: Run["language"];
  readonly queuedAt: Date;
  readonly startedAt: Date | null;
  /** Set when the run has ended (before its row is written). */
  readonly result: RunResult | null;
}

function resultFields(result: RunResult | null) {
  return {
    exitCode: result?.exitCode ?? null,
    signal: result?.signal ?? null,
    timedOut: result?.timedOut ?? false,
    outputTruncated: result?.outputTruncated ?? false,
    durationMs: result?.durationMs ?? null,
    killedFor: result?.killedFor ?? null,
    phase: result?.phase ?? null,
    cpuTimeLimitMs: result?.cpuTimeLimitMs ?? null,
  };
}

/** The API's view of a live run (GET /api/runs/:runId while it runs). */
export function presentLiveRun(live: LiveRunRecord): Run {
  return {
    id: live.handle.id,
    sessionId: live.sessionId,
    userId: live.userId,
    language: live.language,
    status: live.handle.status,
    ...resultFields(live.result),
    output: live.handle.transcript,
    queuedAt: live.queuedAt.toISOString(),
    startedAt: live.startedAt?.toISOString() ?? null,
    finishedAt: null,
  };
}

/** A live run as the session channel reports it. */
export function summarizeLiveRun(live: LiveRunRecord): RunSummary {
  return {
    id: live.handle.id,
    userId: live.userId,
    startedBy: live.startedBy,
    language: live.language,
    status: live.result ? "finished" : live.handle.status,
    position: live.result ? null : live.handle.position,
    ...resultFields(live.result),
    tail: outputTail(live.handle.transcript),
    queuedAt: live.queuedAt.toISOString(),
  };
}

/** A stored run as the session channel reports it. */
export function summarizeRunRow(row: RunRow): RunSummary {
  return {
    id: row.id,
    userId: row.user_id,
    startedBy: row.started_by,
    language: row.language,
    status: row.status,
    position: null,
    exitCode: row.exit_code,
    signal: row.signal,
    timedOut: row.timed_out,
    outputTruncated: row.output_truncated,
    durationMs: row.duration_ms,
    killedFor: row.killed_for,
    phase: row.phase,
    cpuTimeLimitMs: row.cpu_time_limit_ms,
    tail: outputTail(row.output),
    queuedAt: row.queued_at.toISOString(),
  };
}
