import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Classroom, type FaultCluster, startCluster } from "./cluster.ts";
import { type PrivateRedis, startPrivateRedis } from "./private-redis.ts";
import { ended, PROGRAMS, submitRun, waitForRun } from "./run-client.ts";
import { type SpawnedRunner, spawnRunner, waitForRunners } from "./runners.ts";

const TICKS = 10;
const expectedTicks = (n: number) =>
  `${Array.from({ length: n }, (_, i) => `tick ${i}\r\n`).join("")}done\r\n`;

/**
 * Redis restarted (SIGKILL, nothing persisted) while runs are under way and others wait: the
 * runners carry on, the instances fill the output they missed from the runners, queue again the
 * runs Redis forgot, and new runs go through once Redis is back.
 */
describe("runs through a Redis restart", () => {
  let redis: PrivateRedis;
  let cluster: FaultCluster;
  let runners: SpawnedRunner[];
  let room: Classroom;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    cluster = await startCluster({
      redisUrl: redis.url,
      env: { OBSERVER_RUNNERS: "remote", OBSERVER_RATE_LIMIT_RUNS: "100000" },
    });
    runners = await Promise.all(
      ["runner-1", "runner-2"].map((name) =>
        spawnRunner({ redisUrl: cluster.redisUrl, redisPrefix: cluster.redisPrefix, name, capacity: 2 }),
      ),
    );
    for (const runner of runners) cluster.adopt(() => runner.stop(20_000));
    await waitForRunners(
      cluster.instances.map((i) => i.url),
      2,
    );
    room = await cluster.classroom(9);
  });
  afterAll(async () => {
    await cluster?.close();
    await redis?.stop();
  });

  it("loses no run, no output line, and takes new runs within seconds", async () => {
    const [a, b] = cluster.instances.map((i) => i.url) as [string, string];
    const teacher = room.teacher.accessToken;
    const students = room.students;
    // Four run (the four slots), four wait.
    const running = [];
    for (const i of [0, 1, 2, 3]) {
      running.push(
        await submitRun(
          i % 2 ? b : a,
          students[i]?.accessToken as string,
          room.session.id,
          PROGRAMS.ticks(TICKS),
        ),
      );
    }
    await Promise.all(running.map((run) => waitForRun(a, teacher, run.id, (r) => r.status === "running")));
    const waiting = [];
    for (const i of [4, 5, 6, 7]) {
      waiting.push(
        await submitRun(
          i % 2 ? b : a,
          students[i]?.accessToken as string,
          room.session.id,
          PROGRAMS.ticks(2),
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
    const { downAt, upAt } = await redis.restart(2000);

    // A new run once Redis is back: how long until the queue works again.
    const fresh = await submitRun(a, students[8]?.accessToken as string, room.session.id, PROGRAMS.quick);
    const freshDone = await waitForRun(a, teacher, fresh.id, ended, 30_000);
    expect(freshDone.run).toMatchObject({ status: "finished", exitCode: 0, output: "quick\r\n" });

    let linesLost = 0;
    let runsLost = 0;
    const incomplete: Record<string, string> = {};
    const check = async (id: string, ticks: number) => {
      const { run } = await waitForRun(b, teacher, id, ended, 60_000);
      if (run.status !== "finished" || run.exitCode !== 0) runsLost += 1;
      const got = new Set(run.output.split("\r\n"));
      const missing = expectedTicks(ticks)
        .split("\r\n")
        .filter((line) => line && !got.has(line));
      if (missing.length > 0) incomplete[id] = run.output;
      linesLost += missing.length;
      return run;
    };
    for (const run of running) await check(run.id, TICKS);
    for (const run of waiting) await check(run.id, 2);
    console.log(
      `[fault] Redis restart during runs: ${running.length} running, ${waiting.length} queued; Redis down ${upAt - downAt} ms`,
    );
    console.log(
      `[fault] Redis restart during runs: lost ${runsLost} runs, ${linesLost} output lines; a new run done ${freshDone.at - upAt} ms after Redis was back`,
    );
    expect(runsLost).toBe(0);
    expect(incomplete).toEqual({});
    expect(linesLost).toBe(0);
  });
});
