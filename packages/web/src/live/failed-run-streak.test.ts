import type { RunSummary } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { runSummary } from "../run/run-summary.fixture.ts";
import { FailedRunStreak } from "./failed-run-streak.ts";

let next = 0;
function run(patch: Partial<RunSummary> = {}): RunSummary {
  next += 1;
  return runSummary({
    id: `00000000-0000-4000-8000-${String(next).padStart(12, "0")}`,
    queuedAt: new Date(next * 1000).toISOString(),
    exitCode: 1,
    ...patch,
  });
}

describe("FailedRunStreak", () => {
  it("counts each run once, when it ends", () => {
    const streak = new FailedRunStreak(0, null);
    const failing = run();
    expect(streak.update({ ...failing, status: "running", exitCode: null, phase: null })).toBe(0);
    expect(streak.update(failing)).toBe(1);
    // The same end reported again (output, a repeated message) does not count twice.
    expect(streak.update({ ...failing, tail: "more" })).toBe(1);
    expect(streak.update(run({ phase: "compile" }))).toBe(2);
    expect(streak.update(run({ killedFor: "user", exitCode: null, signal: "SIGKILL" }))).toBe(2);
    expect(streak.update(run({ exitCode: 0 }))).toBe(0);
  });

  it("takes the roster's count, which already includes its last run", () => {
    const listed = run();
    const streak = new FailedRunStreak(3, listed);
    expect(streak.update(listed)).toBe(3);
    streak.reset(4, run());
    expect(streak.count).toBe(4);
    expect(streak.update(run())).toBe(5);
  });
});
