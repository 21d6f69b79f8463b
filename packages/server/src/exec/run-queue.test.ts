import type { LanguageAvailability } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { LiveRun } from "./live-run.ts";
import { RunQueue } from "./run-queue.ts";
import type { RunHandle, Runner, RunResult, RunSpec, SandboxStatus } from "./runner.ts";
import { RunnerError } from "./runner.ts";

const ok = (exitCode = 0): RunResult => ({
  exitCode,
  signal: null,
  timedOut: false,
  outputTruncated: false,
  durationMs: 1,
  killedFor: null,
  phase: "run",
});

/** A runner whose runs last until the test ends them: records what it was asked to do. */
class FakeRunner implements Runner {
  readonly started: { spec: RunSpec; run: LiveRun; input: string[]; sizes: [number, number][] }[] = [];
  status: SandboxStatus = { ok: true, reason: null, mode: "bwrap", limiter: "rlimits" };

  start(spec: RunSpec): RunHandle {
    const input: string[] = [];
    const sizes: [number, number][] = [];
    const run: LiveRun = new LiveRun(
      spec.id ?? "x",
      "running",
      {
        write: (d) => input.push(d),
        resize: (c, r) => sizes.push([c, r]),
        kill: () => run.finish({ ...ok(), exitCode: null, signal: "SIGKILL", killedFor: "user" }),
      },
      1 << 20,
    );
    this.started.push({ spec, run, input, sizes });
    return run;
  }
  sandboxStatus() {
    return this.status;
  }
  availableLanguages(): LanguageAvailability[] {
    return [
      { id: "python", label: "Python", version: "3.11.2", available: true },
      { id: "java", label: "Java", version: null, available: false },
    ];
  }
  async dispose() {}
  /** Ends the n-th started run (in start order). */
  end(n: number, exitCode = 0) {
    this.started[n]?.run.finish(ok(exitCode));
  }
  owners() {
    return this.started.map((s) => s.spec.code);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const spec = (owner: string): RunSpec => ({ language: "python", code: owner });

describe("RunQueue", () => {
  it("runs at most `concurrency` at once, the rest first-in-first-out across students", async () => {
    const fake = new FakeRunner();
    const queue = new RunQueue(fake, { concurrency: 2 });
    const handles = ["ann", "bob", "cat", "dan", "eve"].map((s) => queue.submit(s, spec(s)));
    await tick();
    expect(fake.owners()).toEqual(["ann", "bob"]);
    expect(queue.stats).toEqual({ queued: 3, running: 2 });
    fake.end(1);
    await tick();
    expect(fake.owners()).toEqual(["ann", "bob", "cat"]);
    fake.end(0);
    fake.end(2);
    await tick();
    expect(fake.owners()).toEqual(["ann", "bob", "cat", "dan", "eve"]);
    fake.end(3);
    fake.end(4, 7);
    expect((await handles[4]?.result)?.exitCode).toBe(7);
    expect(queue.stats).toEqual({ queued: 0, running: 0 });
  });

  it("tells waiting runs their position as the queue moves", async () => {
    const fake = new FakeRunner();
    const queue = new RunQueue(fake, { concurrency: 1 });
    const first = queue.submit("ann", spec("ann"));
    const second = queue.submit("bob", spec("bob"));
    const third = queue.submit("cat", spec("cat"));
    const seen: string[] = [];
    second.on("status", (e) => seen.push(`${e.status}${e.position ?? ""}`));
    third.on("status", (e) => seen.push(`cat:${e.status}${e.position ?? ""}`));
    await tick();
    expect(first.status).toBe("running");
    expect([second.position, third.position]).toEqual([1, 2]);
    fake.end(0);
    await tick();
    expect(second.status).toBe("running");
    expect(third.position).toBe(1);
    expect(seen).toEqual(["queued1", "cat:queued2", "running", "cat:queued1"]);
  });

  it("keeps one run per student: a new run stops the running one", async () => {
    const fake = new FakeRunner();
    const queue = new RunQueue(fake, { concurrency: 2 });
    const old = queue.submit("ann", spec("ann"));
    await tick();
    const replacement = queue.submit("ann", spec("ann"));
    expect((await old.result).killedFor).toBe("user");
    await tick();
    expect(fake.started).toHaveLength(2);
    expect(replacement.status).toBe("running");
  });

  it("a new run of a queued student replaces the queued one, which never starts", async () => {
    const fake = new FakeRunner();
    const queue = new RunQueue(fake, { concurrency: 1 });
    queue.submit("ann", spec("ann"));
    const queued = queue.submit("bob", { ...spec("bob"), code: "bob-1" });
    const dan = queue.submit("dan", spec("dan"));
    await tick();
    expect(dan.position).toBe(2);
    const again = queue.submit("bob", { ...spec("bob"), code: "bob-2" });
    expect(await queued.result).toMatchObject({ killedFor: "user", exitCode: null, durationMs: 0 });
    await tick();
    // bob's new run goes to the back: first in, first out across students.
    expect([dan.position, again.position]).toEqual([1, 2]);
    fake.end(0);
    await tick();
    fake.end(1);
    await tick();
    expect(fake.owners()).toEqual(["ann", "dan", "bob-2"]);
  });

  it("kill() of a queued run ends it without starting it", async () => {
    const fake = new FakeRunner();
    const queue = new RunQueue(fake, { concurrency: 1 });
    queue.submit("ann", spec("ann"));
    const waiting = queue.submit("bob", spec("bob"));
    waiting.kill();
    expect((await waiting.result).killedFor).toBe("user");
    fake.end(0);
    await tick();
    expect(fake.owners()).toEqual(["ann"]);
  });

  it("keeps input and terminal size given while queued for when the run starts", async () => {
    const fake = new FakeRunner();
    const queue = new RunQueue(fake, { concurrency: 1 });
    queue.submit("ann", spec("ann"));
    const waiting = queue.submit("bob", spec("bob"));
    await tick();
    expect(waiting.status).toBe("queued");
    waiting.write("42\r");
    waiting.resize(120, 40);
    fake.end(0);
    await tick();
    expect(fake.started[1]?.input).toEqual(["42\r"]);
    expect(fake.started[1]?.spec).toMatchObject({ cols: 120, rows: 40, id: waiting.id });
    fake.started[1]?.run.pushOutput("hello");
    expect(waiting.transcript).toBe("hello");
  });

  it("refuses at once when the sandbox is unavailable or the language is missing", () => {
    const fake = new FakeRunner();
    const queue = new RunQueue(fake);
    expect(() => queue.submit("ann", { language: "java", code: "" })).toThrow(RunnerError);
    fake.status = { ...fake.status, ok: false, reason: "bwrap missing" };
    try {
      queue.submit("ann", spec("ann"));
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: "sandbox_unavailable", status: 503 });
    }
  });

  it("dispose() stops queued and running runs", async () => {
    const fake = new FakeRunner();
    const queue = new RunQueue(fake, { concurrency: 1 });
    const running = queue.submit("ann", spec("ann"));
    const waiting = queue.submit("bob", spec("bob"));
    await tick();
    await queue.dispose();
    expect((await running.result).killedFor).toBe("user");
    expect((await waiting.result).killedFor).toBe("user");
    expect(fake.started).toHaveLength(1);
  });
});
