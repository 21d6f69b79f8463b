import {
  type KilledFor,
  type PendingRunOutcome,
  pendingRunOutcomeSchema,
  type RunExitMessage,
  type RunStatus,
  type RunSummary,
} from "@observer/protocol";

/** How a finished run ended: the protocol's outcome, with what an older server may leave out as null. */
export type RunOutcome = PendingRunOutcome;

/** The fields of an outcome, as the protocol's schema names them. */
const OUTCOME_FIELDS = pendingRunOutcomeSchema.keyof().options;

/** How a run ended, from a stored run, a run summary or the terminal's exit message. */
export function outcomeOf(run: PendingRunOutcome | Omit<RunExitMessage, "type">): RunOutcome {
  const fields: Partial<Record<keyof RunOutcome, unknown>> = run;
  // Every field the schema names, the ones a message may leave out as null; nothing else.
  return Object.fromEntries(OUTCOME_FIELDS.map((field) => [field, fields[field] ?? null])) as RunOutcome;
}

/** Where a terminal's run stands, as the status line shows it. */
export interface RunState {
  runId: string | null;
  /** `idle` before any run, `starting` while the request to run is under way. */
  status: "idle" | "starting" | RunStatus;
  /** Place in the queue while `queued`. */
  position: number | null;
  /** How it ended, once `finished`. */
  outcome: RunOutcome | null;
  /** Why the run could not be started or followed (shown as an alert beside the status). */
  error: string | null;
  /** Why a `failed` run could not be carried to its end ("runner lost"...), when the server said. */
  failureReason?: string | null;
}

export const IDLE_RUN: RunState = {
  runId: null,
  status: "idle",
  position: null,
  outcome: null,
  error: null,
  failureReason: null,
};

/** What the status line says of a run the server could not carry to its end. */
function failedText(reason: string | null | undefined): string {
  if (reason === "runner lost") return "The machine running this program stopped: run it again";
  if (reason === "server lost" || reason === "server restarted")
    return "The server restarted during this run: run it again";
  return "The server could not run this program";
}

export type StatusTone = "muted" | "busy" | "success" | "error" | "warning";

export interface StatusLine {
  text: string;
  tone: StatusTone;
  /** Facts shown beside the status, e.g. "Output truncated". */
  notes: string[];
}

/** "42 ms", "1.5 s", "12 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const rest = seconds % 60;
  return `${Math.floor(seconds / 60)} min${rest ? ` ${rest} s` : ""}`;
}

/** Seconds for a time limit: "30 s", "2.5 s". */
function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${seconds >= 10 ? Math.round(seconds) : Math.round(seconds * 10) / 10} s`;
}

/**
 * Whether the CPU time limit stopped the run: killedFor "cpu", or (runs stored before that
 * value existed, reported as timed out) the SIGXCPU of RLIMIT_CPU.
 */
function stoppedByCpuLimit(run: { killedFor?: KilledFor | null; signal: string | null }): boolean {
  return run.killedFor === "cpu" || (run.killedFor === "time" && run.signal === "SIGXCPU");
}

/** "CPU time limit (10 s)", or without the figure when it is not known. */
function cpuLimitText(cpuTimeLimitMs: number | null | undefined): string {
  return `CPU time limit${cpuTimeLimitMs ? ` (${formatSeconds(cpuTimeLimitMs)})` : ""}`;
}

/** The verdict on a finished run: its words and tone. */
export function outcomeText(outcome: RunOutcome): { text: string; tone: StatusTone } {
  const after = outcome.durationMs === null ? "" : ` after ${formatDuration(outcome.durationMs)}`;
  const compile = outcome.phase === "compile";
  if (outcome.killedFor === "user") return { text: "Stopped", tone: "warning" };
  if (stoppedByCpuLimit(outcome)) {
    const limit = cpuLimitText(outcome.cpuTimeLimitMs);
    return { text: compile ? `Compiler stopped: ${limit} reached` : `${limit} reached`, tone: "error" };
  }
  if (outcome.timedOut) {
    const limit = outcome.durationMs === null ? "" : ` after ${formatSeconds(outcome.durationMs)}`;
    return { text: `${compile ? "Compiling timed out" : "Timed out"}${limit}`, tone: "error" };
  }
  if (outcome.killedFor === "memory")
    return { text: compile ? "Compiler killed: memory limit" : "Killed: memory limit", tone: "error" };
  if (outcome.killedFor === "output") return { text: "Killed: output limit", tone: "error" };
  if (compile && outcome.exitCode !== 0) return { text: "Compile failed", tone: "error" };
  if (outcome.signal) return { text: `Killed by ${outcome.signal}${after}`, tone: "error" };
  if (outcome.exitCode === 0) return { text: `Finished${after}`, tone: "success" };
  if (outcome.exitCode === null) return { text: `Ended${after}`, tone: "error" };
  return { text: `Exited with code ${outcome.exitCode}${after}`, tone: "error" };
}

/** The status line under a terminal: "Queued #3", "Running…", "Exited with code 1 after 12 ms"… */
export function statusLine(state: RunState): StatusLine {
  const notes: string[] = [];
  // The panel shows the error's message; the line says what it means for the run.
  if (state.error)
    return { text: state.status === "idle" ? "Could not run" : "Cannot show this run", tone: "error", notes };
  switch (state.status) {
    case "idle":
      return { text: "Not run yet", tone: "muted", notes };
    case "starting":
      return { text: "Starting…", tone: "busy", notes };
    case "queued":
      return { text: state.position ? `Queued #${state.position}` : "Queued", tone: "busy", notes };
    case "compiling":
      return { text: "Compiling…", tone: "busy", notes };
    case "running":
      return { text: "Running…", tone: "busy", notes };
    case "failed":
      return { text: failedText(state.failureReason), tone: "error", notes };
    case "finished": {
      if (!state.outcome) return { text: "Finished", tone: "muted", notes };
      if (state.outcome.outputTruncated) notes.push("Output truncated");
      return { ...outcomeText(state.outcome), notes };
    }
  }
}

/** True while a run is under way (Stop makes sense). */
export function isLive(status: RunState["status"]): boolean {
  return status === "starting" || status === "queued" || status === "compiling" || status === "running";
}

/** What a badge reads of a run: its state, place in the queue, and outcome (a summary or a history entry). */
export type BadgedRun = PendingRunOutcome & { status: RunStatus; position?: number | null };

/** The short badge of a run on a dashboard tile: "Queued #2", "Running", "Exit 1", "Timed out"… */
export function runBadge(run: BadgedRun): { text: string; tone: StatusTone } {
  switch (run.status) {
    case "queued":
      return { text: run.position ? `Queued #${run.position}` : "Queued", tone: "busy" };
    case "compiling":
      return { text: "Compiling", tone: "busy" };
    case "running":
      return { text: "Running", tone: "busy" };
    case "failed":
      return { text: "Run failed", tone: "error" };
    case "finished":
      break;
  }
  if (run.killedFor === "user") return { text: "Stopped", tone: "warning" };
  if (stoppedByCpuLimit(run)) return { text: cpuLimitText(run.cpuTimeLimitMs), tone: "error" };
  if (run.timedOut || run.killedFor === "time") return { text: "Timed out", tone: "error" };
  if (run.killedFor === "memory") return { text: "Memory limit", tone: "error" };
  if (run.killedFor === "output") return { text: "Output limit", tone: "error" };
  if (run.phase === "compile" && run.exitCode !== 0) return { text: "Compile error", tone: "error" };
  if (run.signal) return { text: run.signal, tone: "error" };
  if (run.exitCode === 0) return { text: "Exit 0", tone: "success" };
  return { text: `Exit ${run.exitCode ?? "?"}`, tone: "error" };
}

/** A run summary (session channel) as the state a terminal shows. */
export function stateFromSummary(run: RunSummary): RunState {
  return {
    runId: run.id,
    status: run.status,
    position: run.position,
    outcome: run.status === "finished" ? outcomeOf(run) : null,
    error: null,
  };
}
