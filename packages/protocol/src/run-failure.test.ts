import { describe, expect, it } from "vitest";
import {
  hasVerdict,
  type JudgedRun,
  nextFailedInARow,
  RUN_FAILURE_LABELS,
  runFailure,
} from "./run-failure.ts";

const ended = (patch: Partial<JudgedRun> = {}): JudgedRun => ({
  status: "finished",
  exitCode: 0,
  signal: null,
  timedOut: false,
  killedFor: null,
  phase: "run",
  ...patch,
});

describe("runFailure", () => {
  it("does not count exit 0, runs under way, stopped runs or runs the server could not run", () => {
    expect(runFailure(ended())).toBeNull();
    expect(runFailure(ended({ phase: "compile", exitCode: 0 }))).toBeNull();
    for (const status of ["queued", "compiling", "running", "failed"] as const) {
      expect(runFailure(ended({ status, exitCode: null, phase: null }))).toBeNull();
    }
    expect(runFailure(ended({ killedFor: "user", exitCode: null, signal: "SIGKILL" }))).toBeNull();
  });

  it("names each kind of failure", () => {
    expect(runFailure(ended({ phase: "compile", exitCode: 1 }))).toBe("compile");
    expect(runFailure(ended({ exitCode: 1 }))).toBe("runtime");
    expect(runFailure(ended({ exitCode: null, signal: "SIGSEGV" }))).toBe("runtime");
    expect(runFailure(ended({ exitCode: null, signal: "SIGKILL", timedOut: true, killedFor: "time" }))).toBe(
      "time",
    );
    expect(runFailure(ended({ exitCode: null, signal: "SIGXCPU", killedFor: "cpu" }))).toBe("time");
    expect(runFailure(ended({ exitCode: null, signal: "SIGKILL", killedFor: "memory" }))).toBe("memory");
    expect(runFailure(ended({ exitCode: null, signal: "SIGKILL", killedFor: "output" }))).toBe("output");
    expect(RUN_FAILURE_LABELS.compile).toBe("compile error");
  });
});

describe("nextFailedInARow", () => {
  it("grows with failures, resets on success and ignores runs without a verdict", () => {
    let streak = 0;
    streak = nextFailedInARow(streak, ended({ exitCode: 1 }));
    streak = nextFailedInARow(streak, ended({ phase: "compile", exitCode: 1 }));
    expect(streak).toBe(2);
    expect(hasVerdict(ended({ killedFor: "user" }))).toBe(false);
    expect(nextFailedInARow(streak, ended({ killedFor: "user" }))).toBe(2);
    expect(nextFailedInARow(streak, ended({ status: "failed" }))).toBe(2);
    expect(nextFailedInARow(streak, ended())).toBe(0);
  });
});
