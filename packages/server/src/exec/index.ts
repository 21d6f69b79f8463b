/**
 * The code runner: sandboxed runs of student programs under a pseudo-terminal, with no
 * database (runs/ records them). Build one runner and one queue per server; see README.md.
 */
export { availableLanguages } from "./languages.ts";
export {
  DEFAULT_COMPILE_LIMITS,
  DEFAULT_RUN_LIMITS,
  type LimitSettings,
  parseBytes,
  parseDuration,
  parseLimitSettings,
  type RunLimits,
} from "./limits.ts";
export { LocalBwrapRunner, type LocalRunnerOptions, type RunnerLog } from "./local-runner.ts";
export { RunQueue, type RunQueueOptions, stoppedResult } from "./run-queue.ts";
export {
  type KilledFor,
  type RunEvents,
  type RunHandle,
  type Runner,
  RunnerError,
  type RunnerErrorCode,
  type RunPhase,
  type RunResult,
  type RunSpec,
  type RunStatusEvent,
  type SandboxStatus,
} from "./runner.ts";
