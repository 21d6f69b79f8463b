import { studentDocumentName } from "@observer/protocol";
import { afterAll, describe, expect, it, onTestFailed } from "vitest";
import { testRedisUrl } from "../two-instances.ts";
import { type FaultCluster, startCluster } from "./cluster.ts";
import { type LiveChannel, openLiveChannel } from "./live-channel.ts";
import { ended, PROGRAMS, submitRun, waitForRun } from "./run-client.ts";
import { spawnRunner, waitForRunners } from "./runners.ts";
import { openTypist, startTyping, type Typist, waitAcknowledged, waitStored } from "./typing.ts";

const STUDENTS = 30;
/** Programs running when the instance dies: most of them owned (recorded) by it. */
const PROGRAMS_RUNNING = 10;
const TICKS = 24;
/** How long the students type before the kill, and after it (on the surviving instance). */
const TYPE_BEFORE_MS = 1500;
const TYPE_AFTER_MS = 3000;
/**
 * A presence lease of the killed instance lives this long (RedisPresence's default) before the
 * survivor's sweeper may drop it: only a roster read after that shows whether every student
 * is online through the survivor, not through a lease of the dead instance.
 */
const DEAD_LEASE_MS = 6000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Two instances behind a balancer, sharing the machine's Redis (under a prefix of their own)
 * and a fresh database. 30 students type through the balancer (so about half on each
 * instance) and the teacher follows the session channel; the instance holding the teacher's
 * channel is SIGKILLed mid-typing. Every client must reconnect through the balancer to the
 * survivor, and every keystroke must end up stored. Ten programs run on two runners meanwhile
 * (OBSERVER_RUNNERS=remote), six of them recorded by the instance that dies: the survivor takes
 * them over, and every one ends with all its output.
 */
describe("a server instance killed while 30 students type and 10 programs run", () => {
  let cluster: FaultCluster | null = null;
  const typists: Typist[] = [];
  const channels: LiveChannel[] = [];
  afterAll(async () => {
    for (const t of typists) t.destroy();
    for (const channel of channels) channel.close();
    await cluster?.close();
  });

  it("moves every client to the other instance and loses no keystroke and no run", async () => {
    cluster = await startCluster({
      redisUrl: testRedisUrl,
      env: { OBSERVER_RUNNERS: "remote", OBSERVER_RATE_LIMIT_RUNS: "100000" },
    });
    const started = cluster;
    const runners = await Promise.all(
      ["runner-1", "runner-2"].map((name) =>
        spawnRunner({ redisUrl: started.redisUrl, redisPrefix: started.redisPrefix, name, capacity: 5 }),
      ),
    );
    for (const runner of runners) cluster.adopt(() => runner.stop(20_000));
    await waitForRunners(
      cluster.instances.map((i) => i.url),
      2,
    );
    onTestFailed(() => console.log(started.outputTail()));
    const { balancer } = cluster;
    const room = await cluster.classroom(STUDENTS);
    const teacher = await openLiveChannel(cluster.url, room.session.id, room.teacher.accessToken);
    channels.push(teacher);
    for (const student of room.students) {
      typists.push(
        openTypist(cluster.url, {
          userId: student.id,
          name: studentDocumentName(room.session.id, student.id),
          token: student.accessToken,
        }),
      );
    }
    await Promise.all(typists.map((t) => t.client.synced));

    // The instance the teacher's channel went to is killed: it holds about half the students too.
    const teacherPort = balancer.backendOf(teacher.localPort() ?? -1);
    const victim = cluster.instances.findIndex((i) => i.port === teacherPort);
    expect(victim).toBeGreaterThanOrEqual(0);
    const studentsOnVictim = typists.filter(
      (t) => balancer.backendOf(t.localPort() ?? -1) === teacherPort,
    ).length;
    expect(studentsOnVictim).toBeGreaterThan(0);
    expect(studentsOnVictim).toBeLessThan(STUDENTS);

    // Ten programs, six of them submitted to (and recorded by) the instance about to die.
    const survivor = cluster.instances[1 - victim]?.url as string;
    const victimUrl = cluster.instances[victim]?.url as string;
    const runs = await Promise.all(
      room.students
        .slice(0, PROGRAMS_RUNNING)
        .map((s, i) =>
          submitRun(i < 6 ? victimUrl : survivor, s.accessToken, room.session.id, PROGRAMS.ticks(TICKS)),
        ),
    );
    const teacherToken = room.teacher.accessToken;
    await Promise.all(
      runs.map((run) => waitForRun(survivor, teacherToken, run.id, (r) => r.status === "running")),
    );

    const typing = startTyping(typists, 50);
    await sleep(TYPE_BEFORE_MS);
    const killedAt = await cluster.kill(victim);
    await sleep(TYPE_AFTER_MS);
    typing.stop();
    const stoppedAt = Date.now();

    // Everyone whose socket the kill closed is synced again, and the teacher's channel is back.
    await teacher.until(
      () => teacher.readyAt.length >= 2,
      10_000,
      () => "the teacher's channel did not reconnect",
    );
    await waitAcknowledged(typists, 15_000);
    const moved = typists.filter((t) => t.closes > 0);
    expect(moved.length).toBe(studentsOnVictim);
    expect(moved.every((t) => t.resyncedAt !== null)).toBe(true);
    const reconnectedAt = Math.max(
      teacher.readyAt[teacher.readyAt.length - 1] as number,
      ...moved.map((t) => t.resyncedAt as number),
    );

    const lost = await waitStored(cluster.database, room.session.id, typists, 20_000);
    const savedAt = Date.now();
    const keystrokes = typing.keystrokes();
    const lostTotal = lost.reduce((a, b) => a + b, 0);

    // The reconnected channel's roster lists the whole class; once the dead instance's leases
    // are past, a fresh roster shows every student online through the survivor.
    expect(new Set(teacher.roster().map((e) => e.userId))).toEqual(new Set(room.students.map((s) => s.id)));
    await sleep(Math.max(0, killedAt + DEAD_LEASE_MS + 500 - Date.now()));
    const fresh = await openLiveChannel(cluster.url, room.session.id, room.teacher.accessToken);
    channels.push(fresh);
    const offline = fresh.roster().filter((e) => !e.online);

    console.log(
      `[fault] instance SIGKILL: running 2 instances behind a balancer, ${STUDENTS} students typing (a key every 50 ms each), 1 teacher channel`,
    );
    console.log(
      `[fault] instance SIGKILL: students on the killed instance: ${studentsOnVictim} (+ the teacher's channel)`,
    );
    console.log(`[fault] instance SIGKILL: keystrokes typed: ${keystrokes}`);
    console.log(`[fault] instance SIGKILL: keystrokes lost: ${lostTotal}`);
    console.log(`[fault] instance SIGKILL: kill -> all clients reconnected: ${reconnectedAt - killedAt} ms`);
    console.log(`[fault] instance SIGKILL: typing stopped -> all stored: ${savedAt - stoppedAt} ms`);
    console.log(
      `[fault] instance SIGKILL: students offline on the teacher's roster afterwards: ${offline.length}`,
    );

    // Every program ran to its end and was recorded once, with all its output.
    const expected = `${Array.from({ length: TICKS }, (_, i) => `tick ${i}\r\n`).join("")}done\r\n`;
    const done = await Promise.all(
      runs.map((run) => waitForRun(survivor, teacherToken, run.id, ended, 60_000)),
    );
    const runsLost = done.filter(({ run }) => run.status !== "finished" || run.output !== expected);
    const recordedAfter = Math.max(...done.slice(0, 6).map(({ at }) => at - killedAt));
    console.log(
      `[fault] instance SIGKILL: programs running: ${runs.length} (6 recorded by the killed instance); lost or cut: ${runsLost.length}; the killed instance's runs recorded ${recordedAfter} ms after the kill`,
    );
    expect(runsLost.map(({ run }) => ({ status: run.status, output: run.output }))).toEqual([]);

    expect(keystrokes).toBeGreaterThan(STUDENTS * 50);
    expect(lostTotal).toBe(0);
    expect(fresh.roster()).toHaveLength(STUDENTS);
    expect(offline).toEqual([]);
  });
});
