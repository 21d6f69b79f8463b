import { describe, expect, it } from "vitest";
import { LiveRun, STDIN_LIMIT_NOTICE } from "./live-run.ts";
import type { RunResult } from "./runner.ts";

const result: RunResult = {
  exitCode: 0,
  signal: null,
  timedOut: false,
  outputTruncated: false,
  durationMs: 3,
  killedFor: null,
  phase: "run",
};

function make(stdinLimit = 1024) {
  const calls: string[] = [];
  const run = new LiveRun(
    "id",
    "running",
    {
      write: (d) => calls.push(`w:${d}`),
      resize: (c, r) => calls.push(`r:${c}x${r}`),
      kill: () => calls.push("kill"),
    },
    stdinLimit,
  );
  return { run, calls };
}

describe("LiveRun", () => {
  it("keeps the whole transcript, so a late watcher reads it and then follows live output", () => {
    const { run } = make();
    run.pushOutput("a");
    run.pushOutput("b");
    const late: string[] = [run.transcript];
    run.on("output", (c) => late.push(c));
    run.pushOutput("c");
    expect(late.join("")).toBe("abc");
    expect(run.transcript).toBe("abc");
  });

  it("caps stdin in UTF-8 bytes, passing what fits and showing the notice once", () => {
    const { run, calls } = make(5);
    run.write("ab");
    run.write("cdéf");
    run.write("more");
    expect(calls).toEqual(["w:ab", "w:cd"]);
    expect(run.transcript).toBe(STDIN_LIMIT_NOTICE);
  });

  it("emits a status only when it changes", () => {
    const { run } = make();
    const seen: unknown[] = [];
    run.on("status", (e) => seen.push(e));
    run.setStatus("running");
    run.setStatus("queued", 2);
    run.setStatus("queued", 2);
    run.setStatus("queued", 1);
    expect(seen).toEqual([
      { status: "queued", position: 2 },
      { status: "queued", position: 1 },
    ]);
    expect(run.position).toBe(1);
  });

  it("settles once, then ignores output, input and kills", async () => {
    const { run, calls } = make();
    const exits: RunResult[] = [];
    run.on("exit", (r) => exits.push(r));
    run.finish(result);
    run.finish({ ...result, exitCode: 9 });
    run.pushOutput("late");
    run.write("x");
    run.kill();
    run.resize(1, 1);
    expect(await run.result).toEqual(result);
    expect(exits).toEqual([result]);
    expect(run.status).toBe("finished");
    expect(run.transcript).toBe("");
    expect(calls).toEqual([]);
  });
});
