import { describe, expect, it } from "vitest";
import { isRunKey, runBlocker, runShortcutLabel } from "./run-availability.ts";
import {
  formatDuration,
  IDLE_RUN,
  outcomeOf,
  type RunOutcome,
  type RunState,
  runBadge,
  stateFromSummary,
  statusLine,
} from "./run-status.ts";
import { runSummary } from "./run-summary.fixture.ts";

const OK: RunOutcome = {
  exitCode: 0,
  signal: null,
  timedOut: false,
  outputTruncated: false,
  durationMs: 42,
  killedFor: null,
  phase: "run",
  cpuTimeLimitMs: 10_000,
};
const finished = (patch: Partial<RunOutcome>): RunState => ({
  ...IDLE_RUN,
  runId: "r",
  status: "finished",
  outcome: { ...OK, ...patch },
});
const line = (state: RunState) => statusLine(state);

describe("statusLine", () => {
  it("says where a live run stands", () => {
    expect(line(IDLE_RUN)).toMatchObject({ text: "Not run yet", tone: "muted" });
    expect(line({ ...IDLE_RUN, status: "starting" })).toMatchObject({ text: "Starting…", tone: "busy" });
    expect(line({ ...IDLE_RUN, status: "queued", position: 3 }).text).toBe("Queued #3");
    expect(line({ ...IDLE_RUN, status: "queued" }).text).toBe("Queued");
    expect(line({ ...IDLE_RUN, status: "compiling" }).text).toBe("Compiling…");
    expect(line({ ...IDLE_RUN, status: "running" }).text).toBe("Running…");
  });

  it("tells each way a run can end", () => {
    expect(line(finished({}))).toMatchObject({ text: "Finished after 42 ms", tone: "success" });
    expect(line(finished({ exitCode: 2, durationMs: 1530 }))).toMatchObject({
      text: "Exited with code 2 after 1.5 s",
      tone: "error",
    });
    expect(
      line(finished({ exitCode: null, timedOut: true, killedFor: "time", durationMs: 30_004 })).text,
    ).toBe("Timed out after 30 s");
    expect(
      line(finished({ exitCode: null, killedFor: "cpu", signal: "SIGXCPU", durationMs: 12_000 })),
    ).toMatchObject({
      text: "CPU time limit (10 s) reached",
      tone: "error",
    });
    expect(line(finished({ exitCode: null, killedFor: "memory", signal: "SIGKILL" })).text).toBe(
      "Killed: memory limit",
    );
    expect(line(finished({ exitCode: null, killedFor: "user", signal: "SIGKILL" }))).toMatchObject({
      text: "Stopped",
      tone: "warning",
    });
    expect(line(finished({ exitCode: 1, phase: "compile" }))).toMatchObject({
      text: "Compile failed",
      tone: "error",
    });
    expect(line(finished({ exitCode: null, signal: "SIGSEGV", durationMs: 3 })).text).toBe(
      "Killed by SIGSEGV after 3 ms",
    );
    expect(line({ ...IDLE_RUN, status: "failed" }).tone).toBe("error");
  });

  it("says a run its runner lost can run again, and one the server lost too", () => {
    expect(line({ ...IDLE_RUN, status: "failed", failureReason: "runner lost" })).toMatchObject({
      text: "The machine running this program stopped: run it again",
      tone: "error",
    });
    expect(line({ ...IDLE_RUN, status: "failed", failureReason: "server lost" }).text).toBe(
      "The server restarted during this run: run it again",
    );
    expect(line({ ...IDLE_RUN, status: "failed" }).text).toBe("The server could not run this program");
  });

  it("tells the CPU time limit apart from the wall time: a 30 s session stopped after 12 s by a 10 s CPU limit", () => {
    const cpu = {
      exitCode: null,
      signal: "SIGXCPU",
      timedOut: false,
      killedFor: "cpu",
      durationMs: 12_000,
    } as const;
    expect(line(finished(cpu)).text).toBe("CPU time limit (10 s) reached");
    expect(line(finished({ ...cpu, cpuTimeLimitMs: 2_500 })).text).toBe("CPU time limit (2.5 s) reached");
    expect(line(finished({ ...cpu, phase: "compile", cpuTimeLimitMs: 15_000 })).text).toBe(
      "Compiler stopped: CPU time limit (15 s) reached",
    );
    // Runs stored before killedFor "cpu" existed: reported as timed out, with SIGXCPU.
    expect(line(finished({ ...cpu, killedFor: "time", timedOut: true, cpuTimeLimitMs: null })).text).toBe(
      "CPU time limit reached",
    );
    // The wall time stays a time-out.
    expect(
      line(
        finished({
          exitCode: null,
          signal: "SIGKILL",
          timedOut: true,
          killedFor: "time",
          durationMs: 30_000,
        }),
      ).text,
    ).toBe("Timed out after 30 s");
  });

  it("notes truncated output beside the verdict", () => {
    const state = finished({ exitCode: null, killedFor: "output", outputTruncated: true });
    expect(line(state)).toMatchObject({ text: "Killed: output limit", notes: ["Output truncated"] });
    expect(line(finished({})).notes).toEqual([]);
  });

  it("says a run could not start, or cannot be shown", () => {
    expect(line({ ...IDLE_RUN, error: "Programs cannot run on this server right now." })).toMatchObject({
      text: "Could not run",
      tone: "error",
    });
    expect(line({ ...IDLE_RUN, runId: "r", status: "running", error: "gone" }).text).toBe(
      "Cannot show this run",
    );
  });
});

describe("formatDuration", () => {
  it("uses ms under a second, then seconds, then minutes", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(999)).toBe("999 ms");
    expect(formatDuration(1000)).toBe("1.0 s");
    expect(formatDuration(9_990)).toBe("9.9 s");
    expect(formatDuration(12_400)).toBe("12 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(formatDuration(120_000)).toBe("2 min");
  });
});

const summary = runSummary;

describe("runBadge", () => {
  it("is short and toned for a tile", () => {
    expect(runBadge(summary({ status: "queued", position: 2 }))).toEqual({ text: "Queued #2", tone: "busy" });
    expect(runBadge(summary({ status: "running" }))).toEqual({ text: "Running", tone: "busy" });
    expect(runBadge(summary({}))).toEqual({ text: "Exit 0", tone: "success" });
    expect(runBadge(summary({ exitCode: 3 }))).toEqual({ text: "Exit 3", tone: "error" });
    expect(runBadge(summary({ exitCode: null, timedOut: true, killedFor: "time" })).text).toBe("Timed out");
    expect(runBadge(summary({ exitCode: null, signal: "SIGXCPU", killedFor: "cpu" }))).toEqual({
      text: "CPU time limit (10 s)",
      tone: "error",
    });
    expect(runBadge(summary({ exitCode: null, killedFor: "memory" })).text).toBe("Memory limit");
    expect(runBadge(summary({ exitCode: 1, phase: "compile" })).text).toBe("Compile error");
    expect(runBadge(summary({ exitCode: null, killedFor: "user" }))).toEqual({
      text: "Stopped",
      tone: "warning",
    });
  });
});

describe("stateFromSummary", () => {
  it("carries the CPU time limit to the status line", () => {
    const done = stateFromSummary(
      summary({ exitCode: null, signal: "SIGXCPU", killedFor: "cpu", durationMs: 12_000 }),
    );
    expect(statusLine(done).text).toBe("CPU time limit (10 s) reached");
  });

  it("carries the outcome only once finished", () => {
    expect(stateFromSummary(summary({ status: "running", exitCode: null })).outcome).toBeNull();
    const done = stateFromSummary(summary({ exitCode: 4, durationMs: 7 }));
    expect(statusLine(done).text).toBe("Exited with code 4 after 7 ms");
  });
});

describe("outcomeOf", () => {
  it("keeps the outcome of a summary and nothing else", () => {
    expect(outcomeOf(summary({ exitCode: 4, durationMs: 7 }))).toEqual({ ...OK, exitCode: 4, durationMs: 7 });
  });

  it("reads the fields an exit message may leave out as null", () => {
    const exit = { exitCode: 1, signal: null, timedOut: true, outputTruncated: true, durationMs: 9 };
    expect(outcomeOf(exit)).toEqual({ ...exit, killedFor: null, phase: null, cpuTimeLimitMs: null });
  });
});

describe("runBlocker", () => {
  const languages = {
    languages: [
      { id: "python" as const, label: "Python", version: "3.11.2", available: true },
      { id: "java" as const, label: "Java", version: null, available: false },
    ],
    sandbox: { available: true, reason: null },
  };

  it("lets Run on when the server can run the language, or has not said yet", () => {
    expect(runBlocker({ sessionEnded: false, language: "python", languages })).toBeNull();
    expect(runBlocker({ sessionEnded: false, language: "python", languages: undefined })).toBeNull();
  });

  it("explains why Run is off", () => {
    expect(runBlocker({ sessionEnded: true, language: "python", languages })).toMatch(/session has ended/);
    expect(runBlocker({ sessionEnded: false, language: "java", languages })).toBe(
      "Java is not installed on this server.",
    );
    expect(runBlocker({ sessionEnded: false, language: "c", languages })).toBe(
      "C is not installed on this server.",
    );
    const noSandbox = { ...languages, sandbox: { available: false, reason: "bubblewrap is missing." } };
    expect(runBlocker({ sessionEnded: false, language: "python", languages: noSandbox })).toBe(
      "Programs cannot run on this server (bubblewrap is missing).",
    );
  });

  it("says when the teacher's class controls turn Run off (running denied first, then the locked language)", () => {
    const base = { sessionEnded: false, language: "python" as const, languages };
    expect(runBlocker({ ...base, runningDenied: true })).toBe(
      "Your teacher has paused running programs for now.",
    );
    expect(runBlocker({ ...base, runningDenied: true, lockedLanguage: "java" })).toMatch(/paused running/);
    expect(runBlocker({ ...base, lockedLanguage: "python" })).toBeNull();
    expect(runBlocker({ ...base, language: "c", lockedLanguage: "python" })).toBe(
      "Your teacher locked the language to Python: switch back to it to run.",
    );
    expect(runBlocker({ ...base, sessionEnded: true, runningDenied: true })).toMatch(/session has ended/);
  });
});

describe("the Run key", () => {
  const key = (patch: Partial<KeyboardEvent>) =>
    isRunKey({ key: "Enter", ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...patch });
  it("is Ctrl+Enter or Cmd+Enter, nothing else", () => {
    expect(key({ ctrlKey: true })).toBe(true);
    expect(key({ metaKey: true })).toBe(true);
    expect(key({})).toBe(false);
    expect(key({ ctrlKey: true, shiftKey: true })).toBe(false);
    expect(key({ key: "a", ctrlKey: true })).toBe(false);
    expect(runShortcutLabel("MacIntel")).toBe("⌘ Enter");
    expect(runShortcutLabel("Linux x86_64")).toBe("Ctrl+Enter");
  });
});
