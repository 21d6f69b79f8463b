import { describe, expect, it } from "vitest";
import { IDLE_RUN, stateFromSummary } from "../run/run-status.ts";
import { runSummary } from "../run/run-summary.fixture.ts";
import { isFailedRun } from "./failed-run.ts";

describe("isFailedRun", () => {
  it("is true for a run that ended in an error, a compile error, a limit or the server failing", () => {
    expect(isFailedRun(stateFromSummary(runSummary({ exitCode: 1 })))).toBe(true);
    expect(isFailedRun(stateFromSummary(runSummary({ phase: "compile", exitCode: 1 })))).toBe(true);
    expect(
      isFailedRun(stateFromSummary(runSummary({ exitCode: null, timedOut: true, killedFor: "time" }))),
    ).toBe(true);
    expect(isFailedRun(stateFromSummary(runSummary({ status: "failed", exitCode: null })))).toBe(true);
  });

  it("is false before a run, while it runs, after a success or the student's own stop", () => {
    expect(isFailedRun(IDLE_RUN)).toBe(false);
    expect(isFailedRun(stateFromSummary(runSummary({ status: "running", exitCode: null })))).toBe(false);
    expect(isFailedRun(stateFromSummary(runSummary()))).toBe(false);
    expect(
      isFailedRun(stateFromSummary(runSummary({ exitCode: null, signal: "SIGKILL", killedFor: "user" }))),
    ).toBe(false);
    expect(isFailedRun({ ...IDLE_RUN, error: "The server could not start it." })).toBe(false);
  });
});
