import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalBwrapRunner } from "../../src/exec/local-runner.ts";
import { RunQueue } from "../../src/exec/run-queue.ts";
import { RunnerError } from "../../src/exec/runner.ts";
import { retryableAssertion } from "../support.ts";
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

describe("a sandbox without its seccomp filter", () => {
  it("is unavailable, never used unfiltered: a bwrap that ignores --seccomp fails the start check", async () => {
    // Runs the command as bwrap would, but skips every option: no namespaces, no filter.
    const dir = mkdtempSync(path.join(tmpdir(), "observer-fake-bwrap-"));
    const fake = path.join(dir, "bwrap");
    writeFileSync(fake, '#!/bin/sh\nwhile [ "$1" != -- ]; do shift; done\nshift\nexec "$@"\n', {
      mode: 0o755,
    });
    chmodSync(dir, 0o755);
    const { lines, log } = recordingLog();
    const runner = await LocalBwrapRunner.create({ bwrapPath: fake, log, cgroups: false });
    try {
      const status = runner.sandboxStatus();
      expect(status).toMatchObject({ ok: false, mode: "bwrap" });
      expect(status.reason).toMatch(/the seccomp filter is not in force/);
      expect(lines.some((l) => l.level === "error" && /seccomp/.test(l.message))).toBe(true);
      expect(() => runner.start({ language: "python", code: "print(1)" })).toThrow(/Programs cannot run/);
    } finally {
      await runner.dispose();
      rmSync(dir, { recursive: true, force: true });
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

describe("without cgroups (per-language limits)", () => {
  it("still starts Node and the JVM, and bounds memory and processes with rlimits and heap flags", async () => {
    const runner = await LocalBwrapRunner.create({
      cgroups: false,
      log: { info() {}, warn() {}, error() {} },
    });
    try {
      expect(runner.sandboxStatus()).toMatchObject({ ok: true, limiter: "rlimits" });
      const limits = { memoryBytes: 128 * 1024 * 1024, wallTimeMs: 10_000 };
      const node = runner.start({ language: "javascript", code: 'console.log("node up")', limits });
      const java = runner.start({
        language: "java",
        code: 'public class Main { public static void main(String[] a) { System.out.println("jvm up"); } }',
        limits,
      });
      expect(await node.result).toMatchObject({ exitCode: 0 });
      expect(await java.result).toMatchObject({ exitCode: 0 });
      expect(node.transcript).toContain("node up");
      expect(java.transcript).toContain("jvm up");

      const pyBomb = runner.start({
        language: "python",
        code: "a = []\nwhile True:\n    a.append(bytearray(10**7))",
        limits,
      });
      expect(await pyBomb.result).toMatchObject({ exitCode: 1 });
      expect(pyBomb.transcript).toContain("MemoryError");
      const jsBomb = runner.start({
        language: "javascript",
        code: "const a = [];\nfor (;;) a.push(new Array(1e6).fill(1));",
        limits,
      });
      expect((await jsBomb.result).exitCode).not.toBe(0);
      expect(jsBomb.transcript).toMatch(/heap out of memory/i);
      const javaBomb = runner.start({
        language: "java",
        code: "import java.util.*;\npublic class Main { public static void main(String[] a) { List<long[]> l = new ArrayList<>(); for (;;) l.add(new long[1 << 20]); } }",
        limits,
      });
      expect(await javaBomb.result).toMatchObject({ exitCode: 1 });
      expect(javaBomb.transcript).toContain("OutOfMemoryError");

      const forkBomb = runner.start({
        language: "c",
        code: '#include <stdio.h>\n#include <unistd.h>\nint main(void) { int n = 0; while (n < 1000) { int p = fork(); if (p < 0) break; if (p == 0) { pause(); } n++; } printf("forked %d\\n", n); return 0; }',
        limits: { processes: 32, wallTimeMs: 10_000 },
      });
      expect(await forkBomb.result).toMatchObject({ exitCode: 0 });
      const forked = Number(/forked (\d+)/.exec(forkBomb.transcript)?.[1]);
      expect(forked).toBeLessThan(32);
      // The bomb's children are killed with the run; one may still be exiting (its command line
      // already gone) when the result arrives: give them a moment, then none may be left.
      await retryableAssertion(() => expect(containment.strayProcesses()).toEqual([]), 3000);
    } finally {
      await runner.dispose();
    }
  });
});
