import { RUN_TAIL_CHARS, type Run, type RunHistoryEntry, type RunSummary } from "@observer/protocol";
import type { RunHandle, RunResult } from "../exec/index.ts";
import type { RunRow } from "../storage/schema.ts";
import { outcomeOfRow, pendingOutcome } from "./run-outcome.ts";

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

/** The API's view of a live run (GET /api/runs/:runId while it runs). */
export function presentLiveRun(live: LiveRunRecord): Run {
  return {
    id: live.handle.id,
    sessionId: live.sessionId,
    userId: live.userId,
    language: live.language,
    status: live.handle.status,
    ...pendingOutcome(live.result),
    output: live.handle.transcript,
    queuedAt: live.queuedAt.toISOString(),
    startedAt: live.startedAt?.toISOString() ?? null,
    finishedAt: null,
    failureReason: live.result?.failure ?? null,
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
    ...pendingOutcome(live.result),
    tail: outputTail(live.handle.transcript),
    queuedAt: live.queuedAt.toISOString(),
  };
}

/** What a summary and a history entry say of a stored run: whose, in which language, its state and outcome. */
function storedRunFacts(row: Omit<RunRow, "output">) {
  return {
    id: row.id,
    userId: row.user_id,
    startedBy: row.started_by,
    language: row.language,
    status: row.status,
    ...outcomeOfRow(row),
  };
}

/** A stored run as the session channel reports it. */
export function summarizeRunRow(row: RunRow): RunSummary {
  return {
    ...storedRunFacts(row),
    position: null,
    tail: outputTail(row.output),
    queuedAt: row.queued_at.toISOString(),
  };
}

/** A stored run as the session's run history lists it. */
export function historyEntryOfRow(row: Omit<RunRow, "output">): RunHistoryEntry {
  return {
    ...storedRunFacts(row),
    createdAt: row.queued_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
  };
}

/** The API's view of a stored run. */
export function presentRun(row: RunRow): Run {
  return {
    id: row.id,
    sessionId: row.session_id,
    userId: row.user_id,
    language: row.language,
    status: row.status,
    ...outcomeOfRow(row),
    output: row.output,
    queuedAt: row.queued_at.toISOString(),
    startedAt: row.started_at ? row.started_at.toISOString() : null,
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
    failureReason: row.failure_reason,
  };
}
