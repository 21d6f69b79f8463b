// `npm run bench:soak`: BENCH_SOAK_CLIENTS WebSocket clients (500) held for BENCH_SOAK_MS (10
// minutes) across two instances (OBSERVER_RUNNERS=remote) and two runners, behind a
// round-robin TCP balancer as nginx would be, on a fresh PostgreSQL database and the machine's
// Redis. The clients: the teacher's session channel and dashboard (one socket, every student's
// document), and students, each on a socket of their own typing a character every ~1 s
// (BENCH_SOAK_KEY_MS), each running a short Python program once every ~2 min
// (BENCH_SOAK_RUN_EVERY_MS). Nothing is killed: every socket close is a drop. Reported per
// sample (BENCH_SOAK_SAMPLE_MS, a minute): drops, reconnects, keystrokes sent and seen by the
// teacher, runs done and failed, the RSS of each instance and runner (the probe, after a full
// GC); at the end, what was lost (the teacher's copy and the database against what was typed)
// and the memory slopes after the first 2 minutes (least squares, MiB/min).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { type ChannelServerMessage, type RunSummary, studentDocumentName } from "@observer/protocol";
import { classroomOver, register } from "../packages/server/test/faults/cluster.ts";
import { submitRun } from "../packages/server/test/faults/run-client.ts";
import { metricOf } from "../packages/server/test/faults/runners.ts";
import { startBalancer, type TcpBalancer } from "../packages/server/test/faults/tcp-balancer.ts";
import { commonPrefix } from "../packages/server/test/faults/typing.ts";
import { logInOver } from "../packages/server/test/http-client.ts";
import { type Deployment, startDeployment, stopAll } from "./support/deployment.ts";
import { repoRoot } from "./support/processes.ts";
import { SoakChannel, SoakTeacher, SoakTypist } from "./support/soak-clients.ts";
import { percentile, round } from "./support/stats.ts";

const CLIENTS = Number(process.env.BENCH_SOAK_CLIENTS ?? 500);
const DURATION_MS = Number(process.env.BENCH_SOAK_MS ?? 600_000);
const SAMPLE_MS = Number(process.env.BENCH_SOAK_SAMPLE_MS ?? 60_000);
const KEY_MS = Number(process.env.BENCH_SOAK_KEY_MS ?? 1000);
const RUN_EVERY_MS = Number(process.env.BENCH_SOAK_RUN_EVERY_MS ?? 120_000);
/** The memory slopes are fitted over every sample after a warm-up of 2 minutes (a fifth of a shorter run). */
const SLOPE_WINDOW_MS = DURATION_MS - Math.min(2 * 60_000, DURATION_MS * 0.2);
/** The teacher's dashboard socket and session channel; the other clients are students. */
const STUDENTS = CLIENTS - 2;
const CORES = availableParallelism();
const CONNECT_TIMEOUT_MS = 180_000;
/** After the typing and the runs stop: how long what is under way has to arrive. */
const DRAIN_MS = 60_000;

/** A process whose event loop stalls longer than this fails the sample (see BenchProcess.sample). */
const PROBE_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((l) => round(l));

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

/** The soak's program for run k of a student: two lines around a short sleep, checked in the output. */
const program = (k: number) =>
  `import time\nprint("soak", ${k}, flush=True)\ntime.sleep(0.2)\nprint("bye", ${k})\n`;

interface ProcessRow {
  name: string;
  rssMiB: number;
  heapMiB: number;
  /** Native memory outside the heap held by JavaScript objects (Buffers included). */
  externalMiB: number;
  loopP99Ms: number;
  cpuPercent: number;
}

interface Sample {
  /** Minutes since the clients were all connected. */
  atMin: number;
  studentSocketsOpen: number;
  drops: number;
  reconnects: number;
  keystrokesSent: number;
  keystrokesSeenByTeacher: number;
  /** Typed but not yet seen by the teacher when the sample was taken. */
  inFlight: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  runsSubmitted: number;
  runsDone: number;
  runsFailed: number;
  /** Connections the balancer holds to each instance. */
  balancerConnections: number[];
  /**
   * Per instance: saves asked for in the sample that a later save of the same document covered
   * (the database behind the typing), and saves waiting when it was taken (at most one per document).
   */
  savesFolded: number[];
  savesWaiting: number[];
  processes: ProcessRow[];
}

async function soak(d: Deployment, balancer: TcpBalancer) {
  await register(d.instances[0]?.url as string, "teacher", "Admin");
  const room = await classroomOver(balancer.url, STUDENTS);
  const typists = room.students.map(
    (s) => new SoakTypist(balancer.url, studentDocumentName(room.session.id, s.id), s.accessToken),
  );
  const teacher = new SoakTeacher(
    balancer.url,
    room.teacher.accessToken,
    typists.map((typist, i) => ({
      name: studentDocumentName(room.session.id, room.students[i]?.id as string),
      typist,
    })),
  );
  /** Runs submitted and not yet ended, by id: the output each must print. */
  const pending = new Map<string, { expected: string; submittedAt: number }>();
  /** Final updates that arrived before their POST's reply (the id not known yet). */
  const early = new Map<string, RunSummary>();
  const counts = { submitted: 0, done: 0, failed: 0, submitFailed: 0, relogins: 0 };
  const failures: string[] = [];
  const settle = (run: RunSummary) => {
    const entry = pending.get(run.id);
    if (!entry) {
      early.set(run.id, run);
      return;
    }
    pending.delete(run.id);
    if (run.status === "finished" && run.exitCode === 0 && run.tail.includes(entry.expected))
      counts.done += 1;
    else {
      counts.failed += 1;
      if (failures.length < 20) failures.push(`${run.id}: ${run.status} exit ${run.exitCode} ${run.tail}`);
    }
  };
  const channel = SoakChannel.open(
    balancer.url,
    room.session.id,
    room.teacher.accessToken,
    (m: ChannelServerMessage) => {
      if (m.type === "run_update" && (m.run.status === "finished" || m.run.status === "failed"))
        settle(m.run);
    },
  );
  const timers: NodeJS.Timeout[] = [];
  try {
    const connected = Promise.all([teacher.synced(), ...typists.map((t) => t.synced())]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      connected,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("the clients did not all sync")), CONNECT_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    const channelDeadline = Date.now() + 10_000;
    while (!channel.connection.connected) {
      if (Date.now() > channelDeadline) throw new Error("the session channel sent no ready");
      await sleep(50);
    }
    console.log(`soak: ${STUDENTS} students + the teacher's 2 sockets connected; load ${load()}`);

    // An access token lasts 15 minutes: like the web app, a student refused with 401 gets a
    // new one (here by logging in again) and sends the run once more.
    const submitAs = async (student: (typeof room.students)[number], code: string) => {
      try {
        return await submitRun(balancer.url, student.accessToken, room.session.id, code);
      } catch (err) {
        if (!(err as Error).message.startsWith("run: 401")) throw err;
        student.accessToken = await logInOver(balancer.url, student.email);
        counts.relogins += 1;
        return await submitRun(balancer.url, student.accessToken, room.session.id, code);
      }
    };

    // Typing: each student at their own phase; runs: each student once every RUN_EVERY_MS.
    let runNumber = 0;
    const runOnce = (i: number) => {
      const student = room.students[i] as (typeof room.students)[number];
      const k = ++runNumber;
      counts.submitted += 1;
      const submittedAt = performance.now();
      submitAs(student, program(k))
        .then((run) => {
          pending.set(run.id, { expected: `bye ${k}`, submittedAt });
          const arrived = early.get(run.id);
          if (arrived) {
            early.delete(run.id);
            settle(arrived);
          }
        })
        .catch((err: unknown) => {
          counts.submitFailed += 1;
          counts.failed += 1;
          if (failures.length < 20) failures.push(`submit: ${(err as Error).message}`);
        });
    };
    typists.forEach((t, i) => {
      timers.push(
        setTimeout(() => timers.push(setInterval(() => t.keystroke(), KEY_MS)), Math.random() * KEY_MS),
        setTimeout(() => {
          runOnce(i);
          timers.push(setInterval(() => runOnce(i), RUN_EVERY_MS));
        }, Math.random() * RUN_EVERY_MS),
      );
    });

    const processes = [
      ...d.instances.map((i) => ({ name: i.name, process: i.process })),
      ...d.runners.map((r) => ({ name: r.name, process: r.process })),
    ];
    await Promise.all(processes.map((p) => p.process.sample(PROBE_TIMEOUT_MS)));
    const started = performance.now();
    const samples: Sample[] = [];
    const totals = () => ({
      drops: typists.reduce((s, t) => s + t.connection.drops, 0),
      reconnects: typists.reduce((s, t) => s + t.connection.reconnects, 0),
      sent: typists.reduce((s, t) => s + t.typed.length, 0),
    });
    let last = { ...totals(), seen: 0, submitted: 0, done: 0, failed: 0 };
    const saveMetrics = () =>
      Promise.all(
        d.instances.map(async (i) => ({
          folded: (await metricOf(i.url, /^observer_document_saves_folded /)) ?? Number.NaN,
          waiting: (await metricOf(i.url, /^observer_document_saves\{state="waiting"\}/)) ?? Number.NaN,
        })),
      );
    let lastSaves = await saveMetrics();
    let seenTotal = 0;
    while (performance.now() - started < DURATION_MS) {
      await sleep(Math.min(SAMPLE_MS, DURATION_MS - (performance.now() - started)));
      const now = totals();
      const taken = teacher.take();
      seenTotal += taken.seen;
      const saves = await saveMetrics();
      const probes = await Promise.all(
        processes.map(async (p) => ({ name: p.name, s: await p.process.sample(PROBE_TIMEOUT_MS) })),
      );
      const sample: Sample = {
        atMin: round((performance.now() - started) / 60_000),
        studentSocketsOpen: typists.filter((t) => t.connection.connected).length,
        drops: now.drops - last.drops,
        reconnects: now.reconnects - last.reconnects,
        keystrokesSent: now.sent - last.sent,
        keystrokesSeenByTeacher: taken.seen,
        inFlight: now.sent - seenTotal,
        latencyP50Ms: round(percentile(taken.latencies, 50)),
        latencyP99Ms: round(percentile(taken.latencies, 99)),
        runsSubmitted: counts.submitted - last.submitted,
        runsDone: counts.done - last.done,
        runsFailed: counts.failed - last.failed,
        balancerConnections: d.instances.map((i) => balancer.openCounts().get(i.port) ?? 0),
        savesFolded: saves.map((m, i) => m.folded - (lastSaves[i]?.folded ?? 0)),
        savesWaiting: saves.map((m) => m.waiting),
        processes: probes.map(({ name, s }) => ({
          name,
          rssMiB: round(s.rssBytes / 2 ** 20, 1),
          heapMiB: round(s.heapUsedBytes / 2 ** 20, 1),
          externalMiB: round(s.externalBytes / 2 ** 20, 1),
          loopP99Ms: round(s.loopP99Ms),
          cpuPercent: round(s.cpuPercent, 1),
        })),
      };
      samples.push(sample);
      lastSaves = saves;
      last = {
        ...now,
        seen: seenTotal,
        submitted: counts.submitted,
        done: counts.done,
        failed: counts.failed,
      };
      console.log(
        `soak ${sample.atMin} min: open ${sample.studentSocketsOpen}, drops ${sample.drops}, reconnects ${sample.reconnects}, keys ${sample.keystrokesSent}/${sample.keystrokesSeenByTeacher} (in flight ${sample.inFlight}, p99 ${sample.latencyP99Ms} ms), runs ${sample.runsSubmitted}/${sample.runsDone}/${sample.runsFailed}, saves folded ${sample.savesFolded.join("/")} waiting ${sample.savesWaiting.join("/")}, RSS ${sample.processes.map((p) => `${p.name} ${p.rssMiB}`).join(" ")} MiB, CPU ${sample.processes.map((p) => `${p.cpuPercent}`).join("/")} %, loop p99 ${sample.processes.map((p) => `${p.loopP99Ms}`).join("/")} ms; load ${load()}`,
      );
    }

    // The end: no new keystroke or run; what is under way has DRAIN_MS to arrive.
    for (const t of timers) clearInterval(t);
    const stoppedAt = Date.now();
    const caughtUp = () => typists.every((t, i) => teacher.text(i) === t.typed);
    while ((!caughtUp() || pending.size > 0) && Date.now() - stoppedAt < DRAIN_MS) await sleep(200);
    const teacherCaughtUpMs = caughtUp() ? Date.now() - stoppedAt : null;
    // A text longer than what was typed (a keystroke doubled) is wrong too: counted as one lost.
    const lostOf = (typed: string, text: string | null) =>
      text === typed ? 0 : Math.max(1, typed.length - commonPrefix(typed, text ?? ""));
    const lostTeacher = typists.reduce((s, t, i) => s + lostOf(t.typed, teacher.text(i)), 0);
    // The database: saves are debounced, so it gets until DRAIN_MS after the stop too.
    let lostStored = Number.NaN;
    for (;;) {
      const stored = await d.database.storedCodes(
        room.session.id,
        room.students.map((s) => s.id),
      );
      lostStored = typists.reduce(
        (s, t, i) => s + lostOf(t.typed, stored.get(room.students[i]?.id as string) ?? null),
        0,
      );
      if (lostStored === 0 || Date.now() - stoppedAt > DRAIN_MS) break;
      await sleep(500);
    }
    const end = totals();
    const slopes = processes.map(({ name }) => {
      const points = samples
        .filter((s) => s.atMin * 60_000 >= DURATION_MS - SLOPE_WINDOW_MS - 1000)
        .map((s) => ({ x: s.atMin, p: s.processes.find((p) => p.name === name) as ProcessRow }));
      return {
        name,
        samples: points.length,
        rssMiBPerMin: round(slope(points.map(({ x, p }) => ({ x, y: p.rssMiB }))), 3),
        heapMiBPerMin: round(slope(points.map(({ x, p }) => ({ x, y: p.heapMiB }))), 3),
        externalMiBPerMin: round(slope(points.map(({ x, p }) => ({ x, y: p.externalMiB }))), 3),
        rssFirstMiB: points[0]?.p.rssMiB ?? Number.NaN,
        rssLastMiB: points[points.length - 1]?.p.rssMiB ?? Number.NaN,
      };
    });
    return {
      samples,
      totals: {
        studentSockets: STUDENTS,
        drops: end.drops,
        reconnects: end.reconnects,
        teacherDashboardDrops: teacher.connection.drops,
        teacherChannelDrops: channel.connection.drops,
        keystrokesSent: end.sent,
        lostTeacher,
        lostStored,
        teacherCaughtUpMs,
        runsSubmitted: counts.submitted,
        runsDone: counts.done,
        runsFailed: counts.failed,
        runsSubmitFailed: counts.submitFailed,
        /** Students logged in again because their access token had expired (15 min). */
        relogins: counts.relogins,
        runsUnfinished: pending.size,
        failures,
      },
      slopes,
    };
  } finally {
    for (const t of timers) clearInterval(t);
    channel.close();
    teacher.destroy();
    for (const t of typists) t.destroy();
  }
}

const work = mkdtempSync(path.join(tmpdir(), "observer-bench-soak-"));
let deployment: Deployment | null = null;
let balancer: TcpBalancer | null = null;
try {
  const loadBefore = load();
  console.log(
    `bench:soak: ${CLIENTS} clients for ${DURATION_MS / 1000} s, a key every ${KEY_MS} ms, a run every ${RUN_EVERY_MS / 1000} s per student; load ${loadBefore}`,
  );
  deployment = await startDeployment({ instances: 2, runners: 2, runnerCapacity: CORES, workDir: work });
  balancer = await startBalancer(deployment.instances.map((i) => i.port));
  const result = await soak(deployment, balancer);
  const t = result.totals;
  const lines = [
    "",
    "| minute | student sockets open | drops | reconnects | keystrokes sent | seen by teacher | in flight | p50 ms | p99 ms | runs submitted | done | failed | TCP connections a/b | saves folded a/b | RSS MiB | heap MiB | event-loop p99 ms | CPU % |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...result.samples.map(
      (s) =>
        `| ${s.atMin} | ${s.studentSocketsOpen} | ${s.drops} | ${s.reconnects} | ${s.keystrokesSent} | ${s.keystrokesSeenByTeacher} | ${s.inFlight} | ${s.latencyP50Ms} | ${s.latencyP99Ms} | ${s.runsSubmitted} | ${s.runsDone} | ${s.runsFailed} | ${s.balancerConnections.join("/")} | ${s.savesFolded.join("/")} | ${s.processes.map((p) => p.rssMiB).join(" / ")} | ${s.processes.map((p) => p.heapMiB).join(" / ")} | ${s.processes.map((p) => p.loopP99Ms).join(" / ")} | ${s.processes.map((p) => p.cpuPercent).join(" / ")} |`,
    ),
    "",
    `RSS, event-loop and CPU columns: ${result.samples[0]?.processes.map((p) => p.name).join(" / ")}; TCP connections: what the balancer pipes to each instance (the WebSockets and the HTTP keep-alive connections)`,
    "",
    "| process | samples fitted | RSS first MiB | RSS last MiB | RSS slope MiB/min | heap slope MiB/min | outside-heap slope MiB/min |",
    "|---|---|---|---|---|---|---|",
    ...result.slopes.map(
      (s) =>
        `| ${s.name} | ${s.samples} | ${s.rssFirstMiB} | ${s.rssLastMiB} | ${s.rssMiBPerMin} | ${s.heapMiBPerMin} | ${s.externalMiBPerMin} |`,
    ),
    "",
    `totals: ${t.drops} student socket drops, ${t.reconnects} reconnects, teacher dashboard drops ${t.teacherDashboardDrops}, channel drops ${t.teacherChannelDrops}; keystrokes ${t.keystrokesSent}, lost (teacher) ${t.lostTeacher}, lost (database) ${t.lostStored}, teacher caught up ${t.teacherCaughtUpMs} ms after the stop; runs ${t.runsSubmitted} submitted, ${t.runsDone} done, ${t.runsFailed} failed (${t.runsSubmitFailed} at submit), ${t.runsUnfinished} unfinished; ${t.relogins} students logged in again (access token expired)`,
    ...(t.failures.length > 0 ? [`failures: ${t.failures.join("; ")}`] : []),
  ];
  console.log(lines.join("\n"));
  const loadAfter = load();
  writeFileSync(
    // The default length keeps the plain name; another length gets its own file.
    path.join(
      repoRoot,
      "bench/results",
      DURATION_MS === 600_000 ? "soak.json" : `soak-${Math.round(DURATION_MS / 60_000)}min.json`,
    ),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: {
          cpus: CORES,
          cpuModel: cpus()[0]?.model ?? "unknown",
          memoryGiB: round(totalmem() / 2 ** 30, 1),
        },
        loadAverage: { before: loadBefore, after: loadAfter },
        settings: {
          clients: CLIENTS,
          students: STUDENTS,
          durationMs: DURATION_MS,
          sampleMs: SAMPLE_MS,
          keyMs: KEY_MS,
          runEveryMs: RUN_EVERY_MS,
          slopeWindowMs: SLOPE_WINDOW_MS,
          runnerCapacity: CORES,
        },
        ...result,
      },
      null,
      2,
    )}\n`,
  );
  if (t.lostTeacher > 0 || t.lostStored > 0) {
    console.error(`soak: keystrokes lost (teacher ${t.lostTeacher}, database ${t.lostStored})`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await balancer?.close();
  await deployment?.close();
  await stopAll();
  rmSync(work, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
