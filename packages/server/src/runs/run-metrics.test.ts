import { describe, expect, it } from "vitest";
import type { RunResult } from "../exec/index.ts";
import { runOutcome } from "./run-metrics.ts";

const result = (overrides: Partial<RunResult>): RunResult => ({
  exitCode: 0,
  signal: null,
  timedOut: false,
  outputTruncated: false,
  durationMs: 5,
  killedFor: null,
  phase: "run",
  ...overrides,
});

describe("runOutcome", () => {
  it.each([
    [{}, "ok"],
    [{ exitCode: 3 }, "error"],
    [{ exitCode: 1, phase: "compile" }, "compile_error"],
    [{ exitCode: null, signal: "SIGKILL", killedFor: "memory" }, "memory"],
    [{ exitCode: null, killedFor: "output", outputTruncated: true }, "output"],
    [{ exitCode: null, timedOut: true, killedFor: "time" }, "time"],
    [{ exitCode: null, signal: "SIGXCPU", killedFor: "cpu", cpuTimeLimitMs: 10_000 }, "cpu_time"],
    [{ exitCode: null, killedFor: "user" }, "stopped"],
    [{ exitCode: null, killedFor: "user", phase: "compile" }, "stopped"],
  ] as const)("%o is %s", (overrides, outcome) => {
    expect(runOutcome(result(overrides as Partial<RunResult>))).toBe(outcome);
  });
});
