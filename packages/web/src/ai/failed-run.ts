import { outcomeText, type RunState } from "../run/run-status.ts";

/**
 * Whether a terminal shows a run that failed (an error exit, a compile error, a limit, the
 * server unable to run it): what "Explain this error" can explain. Not while it runs, not
 * after a stop by the student, not when the run could not even start.
 */
export function isFailedRun(state: RunState): boolean {
  if (state.error || !state.runId) return false;
  if (state.status === "failed") return true;
  if (state.status !== "finished" || !state.outcome) return false;
  return outcomeText(state.outcome).tone === "error";
}
