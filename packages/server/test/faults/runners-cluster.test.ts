import type { RunTerminalServerMessage } from "@observer/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { openTerminal } from "../terminal-client.ts";
import { type Classroom, type FaultCluster, startCluster } from "./cluster.ts";
import {
  childCommands,
  ended,
  getRun,
  PROGRAMS,
  runnersOf,
  submitRun,
  takenOrder,
  waitForRun,
} from "./run-client.ts";
import { type SpawnedRunner, spawnRunner, waitForRunners } from "./runners.ts";

const machineRedis = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * Two instances with OBSERVER_RUNNERS=remote and two runners (2 slots each), all processes of
 * their own, on one PostgreSQL database and the machine's Redis: what students see is what a
 * single server gives them, wherever their requests land.
 */
describe("two instances and two runners", () => {
  let cluster: FaultCluster;
  let runners: SpawnedRunner[] = [];
  let room: Classroom;
  let a: string;
  let b: string;

  beforeAll(async () => {
    cluster = await startCluster({
      redisUrl: machineRedis,
      env: { OBSERVER_RUNNERS: "remote", OBSERVER_RATE_LIMIT_RUNS: "100000" },
    });
    runners = await Promise.all(
      ["runner-1", "runner-2"].map((name) =>
        spawnRunner({ redisUrl: cluster.redisUrl, redisPrefix: cluster.redisPrefix, name, capacity: 2 }),
      ),
    );
    for (const runner of runners) cluster.adopt(() => runner.stop(20_000));
    a = cluster.instances[0]?.url as string;
    b = cluster.instances[1]?.url as string;
    await waitForRunners([a, b], 2);
    room = await cluster.classroom(10);
  });
  afterAll(async () => {
    await cluster?.close();
  });
  // A failure shows what the instances and runners logged.
  beforeEach(() => {
    onTestFailed(() => {
      console.log(cluster.outputTail());
      for (const runner of runners) console.log(`${runner.name}:\n${runner.output().slice(-4000)}`);
    });
  });

  const student = (i: number) => room.students[i] as Classroom["students"][number];

  it("runs what either instance takes on the runners, sandboxed, and none on the instances", async () => {
    const runs = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        submitRun(i % 2 ? b : a, student(i).accessToken, room.session.id, PROGRAMS.ticks(2)),
      ),
    );
    const results = await Promise.all(
      runs.map((run) => waitForRun(a, room.teacher.accessToken, run.id, ended)),
    );
    for (const { run } of results) {
      expect(run.status).toBe("finished");
      expect(run.exitCode).toBe(0);
      expect(run.output).toBe("tick 0\r\ntick 1\r\ndone\r\n");
    }
    const takenBy = await runnersOf(
      cluster.redisUrl,
      cluster.redisPrefix,
      runs.map((r) => r.id),
    );
    expect(new Set(takenBy)).toEqual(new Set(["runner-1", "runner-2"]));
    // A server that runs programs keeps its pty host as a child process: these have none (tsx's
    // esbuild service may come and go beside them).
    for (const instance of cluster.instances) {
      const children = childCommands(instance.server?.child.pid as number);
      expect(children.filter((c) => !/\besbuild\b/.test(c))).toEqual([]);
    }
    const sandboxed = await submitRun(a, student(4).accessToken, room.session.id, PROGRAMS.echo);
    const terminal = await openTerminal(b, sandboxed.id, student(4).accessToken);
    terminal.send({ type: "stdin", data: "Ada\r" });
    expect((await terminal.exit).exitCode).toBe(0);
    expect(terminal.output()).toContain("got Ada uid 65534");
  });

  it("streams output and input through a terminal on the other instance, from the start", async () => {
    const run = await submitRun(a, student(0).accessToken, room.session.id, PROGRAMS.echo);
    // The teacher's terminal is on the instance that did not take the run.
    const teacher = await openTerminal(b, run.id, room.teacher.accessToken);
    teacher.send({ type: "stdin", data: "from the teacher\r" });
    const exit = await teacher.exit;
    expect(exit.exitCode).toBe(0);
    expect(teacher.output()).toContain("got from the teacher uid 65534");
    // A late watcher on either instance gets the whole output, recorded once.
    const stored = await waitForRun(b, student(0).accessToken, run.id, ended);
    expect(stored.run.output).toBe(teacher.output());
    const late = await openTerminal(a, run.id, student(0).accessToken);
    await late.exit;
    expect(late.output()).toBe(teacher.output());
  });

  it("queues first in first out across both instances and tells each run its place", async () => {
    // Four long runs fill the four slots.
    const busy = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        submitRun(i % 2 ? b : a, student(i).accessToken, room.session.id, PROGRAMS.ticks(6)),
      ),
    );
    await Promise.all(
      busy.map((run) => waitForRun(a, room.teacher.accessToken, run.id, (r) => r.status === "running")),
    );
    // Then four more, one after another, alternating instances.
    const waiting = [];
    for (const i of [4, 5, 6, 7]) {
      waiting.push(await submitRun(i % 2 ? b : a, student(i).accessToken, room.session.id, PROGRAMS.quick));
    }
    // Each terminal, on the instance that did not take it, says its place.
    const places = await Promise.all(
      waiting.map(async (run, n) => {
        const terminal = await openTerminal(n % 2 ? a : b, run.id, room.teacher.accessToken);
        const status = (await terminal.next((m) => m.type === "status")) as Extract<
          RunTerminalServerMessage,
          { type: "status" }
        >;
        terminal.close();
        return status.position;
      }),
    );
    expect(places).toEqual([1, 2, 3, 4]);
    const done = await Promise.all(
      waiting.map((run) => waitForRun(a, room.teacher.accessToken, run.id, ended, 60_000)),
    );
    // Taken in the order they were queued, as Redis took them off the queue (the instances'
    // start times differ by how soon each heard of its run).
    const ids = waiting.map((r) => r.id);
    expect(await takenOrder(cluster.redisUrl, cluster.redisPrefix, ids)).toEqual(ids);
    for (const { run } of done) expect(run.output).toBe("quick\r\n");
    await Promise.all(busy.map((run) => waitForRun(a, room.teacher.accessToken, run.id, ended, 60_000)));
  });

  it("keeps one run per student across instances, and stops a run from either instance", async () => {
    const first = await submitRun(a, student(8).accessToken, room.session.id, PROGRAMS.ticks(40));
    await waitForRun(a, student(8).accessToken, first.id, (r) => r.status === "running");
    // The same student runs again through the other instance: the first run stops.
    const second = await submitRun(b, student(8).accessToken, room.session.id, PROGRAMS.ticks(40));
    const stopped = await waitForRun(b, student(8).accessToken, first.id, ended);
    expect(stopped.run).toMatchObject({ status: "finished", killedFor: "user" });
    await waitForRun(a, student(8).accessToken, second.id, (r) => r.status === "running");
    // Stop from a terminal on the instance that owns it...
    const own = await openTerminal(b, second.id, student(8).accessToken);
    own.send({ type: "kill" });
    expect((await own.exit).killedFor).toBe("user");
    // ...and from the other one.
    const third = await submitRun(a, student(9).accessToken, room.session.id, PROGRAMS.ticks(40));
    await waitForRun(a, student(9).accessToken, third.id, (r) => r.status === "running");
    const other = await openTerminal(b, third.id, room.teacher.accessToken);
    other.send({ type: "kill" });
    expect((await other.exit).killedFor).toBe("user");
    expect((await getRun(a, student(9).accessToken, third.id)).killedFor).toBe("user");
  });

  it("drains a runner stopped with SIGTERM: it finishes its runs, takes nothing new, and exits", async () => {
    const third = await spawnRunner({
      redisUrl: cluster.redisUrl,
      redisPrefix: cluster.redisPrefix,
      name: "runner-3",
      capacity: 2,
    });
    cluster.adopt(() => third.stop(20_000));
    await waitForRunners([a, b], 3);
    const runs = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        submitRun(i % 2 ? b : a, student(i).accessToken, room.session.id, PROGRAMS.ticks(6)),
      ),
    );
    await Promise.all(
      runs.map((run) => waitForRun(a, room.teacher.accessToken, run.id, (r) => r.status === "running")),
    );
    const takenBy = await runnersOf(
      cluster.redisUrl,
      cluster.redisPrefix,
      runs.map((r) => r.id),
    );
    const onThird = runs.filter((_, i) => takenBy[i] === "runner-3");
    expect(onThird.length).toBe(2);
    const stopping = third.stop(30_000);
    // While it drains, new runs go to the other runners.
    const during = await submitRun(a, student(6).accessToken, room.session.id, PROGRAMS.quick);
    expect(await stopping).toBe(0);
    for (const run of onThird) {
      const { run: after } = await waitForRun(a, room.teacher.accessToken, run.id, ended);
      expect(after).toMatchObject({ status: "finished", exitCode: 0 });
      expect(after.output).toContain("done");
    }
    await waitForRun(a, room.teacher.accessToken, during.id, ended, 30_000);
    expect((await runnersOf(cluster.redisUrl, cluster.redisPrefix, [during.id]))[0]).not.toBe("runner-3");
    await Promise.all(runs.map((run) => waitForRun(a, room.teacher.accessToken, run.id, ended, 30_000)));
  });
});
