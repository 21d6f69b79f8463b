import type { Language } from "@observer/protocol";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LocalBwrapRunner } from "../../src/exec/local-runner.ts";
import { RunQueue } from "../../src/exec/run-queue.ts";
import type { RunHandle } from "../../src/exec/runner.ts";
import { type Containment, containTestProcess } from "./contain.ts";
import { plain } from "./helpers.ts";

let containment: Containment;
let runner: LocalBwrapRunner;
let queue: RunQueue;

beforeAll(async () => {
  containment = containTestProcess();
  runner = await LocalBwrapRunner.create({ log: { info() {}, warn() {}, error: console.error } });
  queue = new RunQueue(runner);
});

afterAll(async () => {
  await queue?.dispose();
  await runner?.dispose();
  containment?.release();
});

const PROGRAMS: Partial<Record<Language, (n: number) => string>> = {
  python: (n) => `import sys\nprint("run", ${n}, sum(range(${n})))\nsys.exit(${n % 7})`,
  javascript: (n) =>
    `let s = 0; for (let i = 0; i < ${n}; i++) s += i;\nconsole.log("run", ${n}, s);\nprocess.exit(${n % 7});`,
};

it("completes 40 runs submitted at once, each with its own output and exit code", async () => {
  const maxConcurrent = { now: 0, max: 0 };
  const runs: { n: number; handle: RunHandle; positions: number[] }[] = [];
  for (let n = 0; n < 40; n++) {
    const language: Language = n % 4 === 3 ? "javascript" : "python";
    const handle = queue.submit(`student-${n}`, {
      language,
      code: (PROGRAMS[language] as (n: number) => string)(n),
    });
    const entry = { n, handle, positions: [] as number[] };
    handle.on("status", (e) => {
      if (e.position) entry.positions.push(e.position);
      if (e.status === "running") maxConcurrent.max = Math.max(maxConcurrent.max, ++maxConcurrent.now);
    });
    handle.on("exit", () => maxConcurrent.now--);
    runs.push(entry);
  }
  const results = await Promise.all(runs.map((r) => r.handle.result));
  results.forEach((result, n) => {
    expect(result).toMatchObject({ exitCode: n % 7, signal: null, timedOut: false, killedFor: null });
    expect(plain(runs[n]?.handle.transcript ?? "")).toBe(`run ${n} ${(n * (n - 1)) / 2}\n`);
  });
  expect(maxConcurrent.max).toBeLessThanOrEqual(queue.concurrency);
  // The last run waited behind the others and was told its place as the queue moved.
  const last = runs[39]?.positions ?? [];
  expect(last[0]).toBe(40 - queue.concurrency);
  expect(last.at(-1)).toBe(1);
  expect(containment.strayProcesses()).toEqual([]);
}, 60_000);
