import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalBwrapRunner } from "../../src/exec/local-runner.ts";
import { RunQueue } from "../../src/exec/run-queue.ts";
import { RunnerError } from "../../src/exec/runner.ts";
import { type Containment, containTestProcess } from "./contain.ts";

let containment: Containment;
beforeAll(() => {
  containment = containTestProcess();
});
afterAll(() => containment?.release());

function recordingLog() {
  const lines: { level: string; message: string }[] = [];
  const log = {
    info: (message: string) => lines.push({ level: "info", message }),
    warn: (message: string) => lines.push({ level: "warn", message }),
    error: (message: string) => lines.push({ level: "error", message }),
  };
  return { lines, log };
}

describe("without a usable sandbox", () => {
  it.each([
    ["missing", "/nonexistent/bwrap", /bubblewrap \(bwrap\) is not installed/],
    ["broken", "/bin/false", /bwrap does not work here/],
  ])("bwrap %s: runs fail at once with sandbox_unavailable (503)", async (_, bwrapPath, reason) => {
    const { lines, log } = recordingLog();
    const runner = await LocalBwrapRunner.create({ bwrapPath, log, cgroups: false });
    try {
      const status = runner.sandboxStatus();
      expect(status.ok).toBe(false);
      expect(status.reason).toMatch(reason);
      expect(lines.some((l) => l.level === "error" && reason.test(l.message))).toBe(true);
      const start = () => runner.start({ language: "python", code: "print(1)" });
      expect(start).toThrow(RunnerError);
      expect(start).toThrow(/Programs cannot run on this server/);
      try {
        new RunQueue(runner).submit("student", { language: "python", code: "print(1)" });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(RunnerError);
        expect(err).toMatchObject({ code: "sandbox_unavailable", status: 503 });
      }
    } finally {
      await runner.dispose();
    }
  });
});

describe("OBSERVER_SANDBOX=none", () => {
  it("runs programs directly, for development, after a loud warning", async () => {
    const { lines, log } = recordingLog();
    const runner = await LocalBwrapRunner.create({ sandbox: "none", log });
    try {
      expect(runner.sandboxStatus()).toMatchObject({ ok: true, mode: "none" });
      expect(lines.some((l) => l.level === "warn" && /WITHOUT a sandbox/.test(l.message))).toBe(true);
      const run = runner.start({
        language: "python",
        code: 'import os\nprint("hello", os.getuid())\nimport sys; sys.exit(4)',
      });
      const result = await run.result;
      expect(result).toMatchObject({ exitCode: 4, signal: null });
      expect(run.transcript).toContain("hello 65534");
      const slow = runner.start({
        language: "python",
        code: "import time\ntime.sleep(30)",
        limits: { wallTimeMs: 500 },
      });
      expect(await slow.result).toMatchObject({ timedOut: true, killedFor: "time" });
    } finally {
      await runner.dispose();
    }
  });
});
