import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTerminal, type TerminalClient } from "../terminal-client.ts";
import { type Classroom, type FaultCluster, startCluster } from "./cluster.ts";
import { ended, PROGRAMS, runnersOf, submitRun, waitForRun } from "./run-client.ts";
import { type SpawnedRunner, spawnRunner, waitForRunners } from "./runners.ts";

const machineRedis = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const TICKS = 16;

/** The runs the database still shows as under way. */
async function unfinishedRuns(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      "select count(*) as n from runs where status in ('queued', 'compiling', 'running')",
    );
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

/**
 * A runner killed with SIGKILL while it runs programs: its runs end as failed ("runner lost")
 * once its heartbeat stops, their students can run again at once, the other runner's runs go
 * on untouched, and nothing stays "running".
 */
describe("a runner killed mid-run", () => {
  let cluster: FaultCluster;
  let runners: SpawnedRunner[];
  let room: Classroom;

  beforeAll(async () => {
    cluster = await startCluster({
      redisUrl: machineRedis,
      env: { OBSERVER_RUNNERS: "remote", OBSERVER_RATE_LIMIT_RUNS: "100000" },
    });
    runners = await Promise.all(
      ["doomed", "survivor"].map((name) =>
        spawnRunner({ redisUrl: cluster.redisUrl, redisPrefix: cluster.redisPrefix, name, capacity: 4 }),
      ),
    );
    for (const runner of runners) cluster.adopt(() => runner.stop(20_000));
    await waitForRunners(
      cluster.instances.map((i) => i.url),
      2,
    );
    room = await cluster.classroom(6);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it("ends its runs as failed 'runner lost', and loses nothing else", async () => {
    const [a, b] = cluster.instances.map((i) => i.url) as [string, string];
    const teacher = room.teacher.accessToken;
    // Six programs, three on each runner (4 slots each: BullMQ hands them out as they come).
    const runs = [];
    for (const [i, s] of room.students.entries()) {
      runs.push(await submitRun(i % 2 ? b : a, s.accessToken, room.session.id, PROGRAMS.ticks(TICKS)));
    }
    await Promise.all(runs.map((run) => waitForRun(a, teacher, run.id, (r) => r.status === "running")));
    const takenBy = await runnersOf(
      cluster.redisUrl,
      cluster.redisPrefix,
      runs.map((r) => r.id),
    );
    const doomed = runs.filter((_, i) => takenBy[i] === "doomed");
    const surviving = runs.filter((_, i) => takenBy[i] === "survivor");
    expect(doomed.length + surviving.length).toBe(6);
    expect(doomed.length).toBeGreaterThan(0);
    // The teacher watches every run from the instance that did not take it.
    const terminals = new Map<string, TerminalClient>();
    for (const [i, run] of runs.entries())
      terminals.set(run.id, await openTerminal(i % 2 ? a : b, run.id, teacher));
    await Promise.all([...terminals.values()].map((t) => t.waitForOutput("tick 1")));

    await runners[0]?.kill();
    const killedAt = Date.now();
    const lost = await Promise.all(
      doomed.map((run) => waitForRun(b, teacher, run.id, (r) => r.status === "failed", 20_000)),
    );
    for (const { run } of lost) expect(run.failureReason).toBe("runner lost");
    const endedWithin = Math.max(...lost.map(({ at }) => at - killedAt));
    // The watchers' terminals end too, with the notice.
    for (const run of doomed) {
      const terminal = terminals.get(run.id) as TerminalClient;
      expect((await terminal.exit).failureReason).toBe("runner lost");
      expect(terminal.output()).toContain("stopped answering");
    }

    // Their students run again at once, on the runner left.
    const again = await Promise.all(
      doomed.map((run) => {
        const student = room.students.find((s) => s.id === run.userId) as Classroom["students"][number];
        return submitRun(a, student.accessToken, room.session.id, PROGRAMS.quick);
      }),
    );
    const rerun = await Promise.all(again.map((run) => waitForRun(a, teacher, run.id, ended, 20_000)));
    for (const { run } of rerun)
      expect(run).toMatchObject({ status: "finished", exitCode: 0, output: "quick\r\n" });

    // The other runner's programs were not disturbed: every line of theirs arrived.
    const expected = `${Array.from({ length: TICKS }, (_, i) => `tick ${i}\r\n`).join("")}done\r\n`;
    let linesLost = 0;
    for (const run of surviving) {
      const { run: after } = await waitForRun(a, teacher, run.id, ended, 30_000);
      expect(after).toMatchObject({ status: "finished", exitCode: 0 });
      const terminal = terminals.get(run.id) as TerminalClient;
      await terminal.exit;
      for (const output of [after.output, terminal.output()]) {
        const got = new Set(output.split("\r\n"));
        linesLost += expected.split("\r\n").filter((line) => line && !got.has(line)).length;
      }
    }
    const stuck = await unfinishedRuns(cluster.database.url);
    console.log(
      `[fault] runner SIGKILL: ${runs.length} runs in flight (${doomed.length} on the killed runner, ${surviving.length} on the other)`,
    );
    console.log(
      `[fault] runner SIGKILL: its runs ended failed "runner lost" after at most ${endedWithin} ms`,
    );
    console.log(
      `[fault] runner SIGKILL: lost: ${linesLost} output lines of the other runner's runs, ${stuck} runs left running; reruns ok: ${rerun.length}/${doomed.length}`,
    );
    expect(linesLost).toBe(0);
    expect(stuck).toBe(0);
  });
});
