import type { RunSummary } from "@observer/protocol";

/** For tests: a Python run that finished with exit 0, with the fields a test cares about patched in. */
export const runSummary = (patch: Partial<RunSummary> = {}): RunSummary => ({
  id: "5b4d3a52-0000-4000-8000-000000000001",
  userId: "5b4d3a52-0000-4000-8000-000000000002",
  startedBy: "5b4d3a52-0000-4000-8000-000000000002",
  language: "python",
  status: "finished",
  position: null,
  exitCode: 0,
  signal: null,
  timedOut: false,
  outputTruncated: false,
  durationMs: 10,
  killedFor: null,
  phase: "run",
  cpuTimeLimitMs: 10_000,
  tail: "",
  queuedAt: "2025-03-01T10:00:00.000Z",
  ...patch,
});
