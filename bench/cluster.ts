// `npm run bench:cluster`: Observer past one machine, on this one. Every phase starts its own
// processes (with the probe: event-loop delay, CPU, RSS) on a fresh PostgreSQL database of the
// machine's server and a Redis key prefix of its own on the machine's Redis, and stops them.
// 1. Baseline: ONE instance (DATABASE_URL + REDIS_URL, running programs itself), BENCH_STUDENTS
//    students typing 5 characters a second and the teacher subscribed to every document:
//    keystroke -> teacher latency (one clock, this process), the instance's event-loop delay
//    and CPU.
// 2. Cluster: TWO instances (OBSERVER_RUNNERS=remote) + TWO runners, the students half on each
//    instance, the teacher on instance A (so half the keystrokes cross Redis): the same figures
//    per instance and as ratios to the baseline.
// 3. Burst: BENCH_BURST students press Run at once (a short Python program) (a) on one instance
//    running them itself (its default concurrency: one per core) and (b) across 2 instances + 2
//    runners (one slot per core each): first submit -> every run done, as the teacher's session
//    channel reports it (`run_update`), runs/s and runs/s per core.
// Phases 2 and 3 also give the share of the machine's CPU each part took (/proc), since on one
// machine every part competes for the same cores.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import {
  type ChannelServerMessage,
  channelServerMessageSchema,
  type RunSummary,
  sessionChannelPath,
  studentDocumentName,
} from "@observer/protocol";
import { type Classroom, classroomOver, register } from "../packages/server/test/faults/cluster.ts";
import { runnersOf, submitRun } from "../packages/server/test/faults/run-client.ts";
import { openSocket } from "../packages/server/test/socket-client.ts";
import { type CpuWindow, measureCpu } from "./support/cpu-share.ts";
import { benchRedisUrl, type Deployment, startDeployment, stopAll } from "./support/deployment.ts";
import { type ProbeSample, repoRoot } from "./support/processes.ts";
import { percentile, round } from "./support/stats.ts";
import { KEYSTROKE_MS, TypingClass } from "./support/typing-class.ts";

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 400);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 15_000);
const BURST = Number(process.env.BENCH_BURST ?? 100);
const CORES = availableParallelism();
const WARMUP_MS = 3000;
/** A burst that has not ended by then is a failure of the run, not a figure. */
const BURST_TIMEOUT_MS = 180_000;

/** A process whose event loop stalls longer than this fails the sample (see BenchProcess.sample). */
const PROBE_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((l) => round(l));

interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const summary = (values: number[]): Percentiles => ({
  count: values.length,
  p50: round(percentile(values, 50)),
  p95: round(percentile(values, 95)),
  p99: round(percentile(values, 99)),
  max: values.length === 0 ? Number.NaN : round(values.reduce((a, b) => Math.max(a, b), 0)),
});

/** What the probe of one process measured over a window. */
interface ProcessFigures {
  name: string;
  loopP99Ms: number;
  loopMaxMs: number;
  cpuPercent: number;
  rssMiB: number;
}

const figuresOf = (name: string, s: ProbeSample): ProcessFigures => ({
  name,
  loopP99Ms: round(s.loopP99Ms),
  loopMaxMs: round(s.loopMaxMs),
  cpuPercent: round(s.cpuPercent, 1),
  rssMiB: round(s.rssBytes / 2 ** 20, 1),
});

/** Every process of a deployment, by name, with its probe. */
const processesOf = (d: Deployment) => [
  ...d.instances.map((i) => ({ name: i.name, process: i.process })),
  ...d.runners.map((r) => ({ name: r.name, process: r.process })),
];

/** Starts the CPU measurement of every part of a deployment. */
const cpuOf = (d: Deployment) =>
  measureCpu({
    instances: Object.fromEntries(
      d.instances.map((i) => [i.name, { pid: i.process.child.pid as number, account: i.cpu }]),
    ),
    runners: Object.fromEntries(
      d.runners.map((r) => [r.name, { pid: r.process.child.pid as number, account: r.cpu }]),
    ),
    databases: [d.database.name],
    redisPort: Number(new URL(benchRedisUrl).port || 6379),
  });

/** A class on a fresh install: the first account (the admin) is taken, so the teacher is a plain teacher. */
async function classOn(d: Deployment, students: number): Promise<Classroom> {
  const first = d.instances[0]?.url as string;
  await register(first, "teacher", "Admin");
  return classroomOver(first, students);
}

// ---------------------------------------------------------------------------------------------
// Typing

interface TypingPhase {
  phase: string;
  students: number;
  loadAverage: { before: number[]; after: number[] };
  /** Keystrokes typed in the window; those seen by the teacher in it are `keystrokes.count`. */
  sent: number;
  /** Every keystroke measured (keystroke -> the teacher's observer). */
  keystrokes: Percentiles;
  /** By the instance the typing student is connected to (the teacher is on the first). */
  byInstance: { instance: string; students: number; keystrokes: Percentiles }[];
  processes: ProcessFigures[];
  cpu: CpuWindow;
  /** CPU of the instances, runners, PostgreSQL and Redis per keystroke measured (ms). */
  serverCpuMsPerKeystroke: number;
}

/** CPU time (ms) of the window's parts whose names `pick` accepts. */
const cpuMs = (cpu: CpuWindow, pick: (part: string) => boolean) =>
  cpu.parts.filter((p) => pick(p.part)).reduce((sum, p) => sum + p.cores * cpu.windowMs, 0);

const serverPart = (part: string) =>
  /^(instance|runner)-/.test(part) || part === "PostgreSQL" || part === "Redis" || part.startsWith("runs");

async function typingPhase(name: string, d: Deployment): Promise<TypingPhase> {
  const before = load();
  const room = await classOn(d, STUDENTS);
  const instanceOf = (i: number) => d.instances[i % d.instances.length] as Deployment["instances"][number];
  const docs = room.students.map((s, i) => ({
    name: studentDocumentName(room.session.id, s.id),
    studentToken: s.accessToken,
    url: instanceOf(i).url,
  }));
  const teacherUrl = d.instances[0]?.url as string;
  const typing = await TypingClass.connect(teacherUrl, docs, room.teacher.accessToken);
  try {
    typing.startTyping();
    await sleep(WARMUP_MS);
    typing.takeLatencies();
    const processes = processesOf(d);
    await Promise.all(processes.map((p) => p.process.sample(PROBE_TIMEOUT_MS)));
    const cpu = cpuOf(d);
    typing.sentWhileMeasuring = 0;
    typing.measuring = true;
    await sleep(MEASURE_MS);
    typing.measuring = false;
    const window = cpu.end();
    const probes = await Promise.all(
      processes.map(async (p) => figuresOf(p.name, await p.process.sample(PROBE_TIMEOUT_MS))),
    );
    const groups = typing.takeLatenciesBy((i) => instanceOf(i).name);
    const all = [...groups.values()].flat();
    return {
      phase: name,
      students: STUDENTS,
      loadAverage: { before, after: load() },
      sent: typing.sentWhileMeasuring,
      keystrokes: summary(all),
      byInstance: d.instances.map((instance, k) => ({
        instance: instance.name,
        students: docs.filter((_, i) => i % d.instances.length === k).length,
        keystrokes: summary(groups.get(instance.name) ?? []),
      })),
      processes: probes,
      cpu: window,
      serverCpuMsPerKeystroke: round(cpuMs(window, serverPart) / all.length, 3),
    };
  } finally {
    typing.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Burst

/** The burst's program for student n: a line and a small sum, checked in the output. */
const burstProgram = (n: number) => `print("run", ${n}, sum(range(${n * 1000})))\n`;
const burstExpected = (n: number) => `run ${n} ${(n * 1000 * (n * 1000 - 1)) / 2}`;

interface BurstPhase {
  phase: string;
  runs: number;
  /** Slots that run programs at once over the whole deployment. */
  slots: number;
  loadAverage: { before: number[]; after: number[] };
  /** First POST sent -> the last run's final `run_update` on the teacher's channel. */
  totalMs: number;
  /** First POST sent -> the last POST answered. */
  submittedMs: number;
  runsPerSecond: number;
  runsPerSecondPerCore: number;
  finished: number;
  correct: number;
  failed: number;
  /** Runs taken by each runner (remote), from the key a runner sets when it takes a run. */
  byRunner: Record<string, number>;
  processes: ProcessFigures[];
  cpu: CpuWindow;
  /** CPU of everything but the load generator and the rest of the machine, per run (ms). */
  cpuMsPerRun: number;
}

/** A final state of a run. */
const ended = (run: RunSummary) => run.status === "finished" || run.status === "failed";

async function burstPhase(name: string, d: Deployment, slots: number): Promise<BurstPhase> {
  const before = load();
  const room = await classOn(d, BURST);
  const teacherUrl = d.instances[0]?.url as string;
  const instanceOf = (i: number) =>
    (d.instances[i % d.instances.length] as Deployment["instances"][number]).url;
  /** Each run's final summary and when the teacher's channel got it, by run id. */
  const done = new Map<string, { run: RunSummary; at: number }>();
  const channel = await openSocket<ChannelServerMessage>(
    teacherUrl,
    sessionChannelPath(room.session.id),
    channelServerMessageSchema,
    room.teacher.accessToken,
    (message, answer) => {
      if (message.type === "ping") answer({ type: "pong" });
      // Only a run's first final update is kept: `until` checks again after each kept message.
      if (message.type === "run_update" && ended(message.run) && !done.has(message.run.id)) {
        done.set(message.run.id, { run: message.run, at: performance.now() });
        return true;
      }
      return message.type === "ready" || message.type === "error";
    },
  );
  try {
    await channel.next((m) => m.type === "ready", 10_000);
    const burst = async (students: Classroom["students"]) => {
      const t0 = performance.now();
      const runs = await Promise.all(
        students.map((s, n) => submitRun(instanceOf(n), s.accessToken, room.session.id, burstProgram(n))),
      );
      const submittedMs = performance.now() - t0;
      const ids = runs.map((r) => r.id);
      await channel.until(
        () => ids.every((id) => done.has(id)),
        BURST_TIMEOUT_MS,
        () => `${ids.filter((id) => !done.has(id)).length} of ${ids.length} runs not done`,
      );
      const totalMs = Math.max(...ids.map((id) => (done.get(id)?.at as number) - t0));
      return { ids, totalMs, submittedMs };
    };
    // Warm-up: one run per slot (the engine, its pty host and launchers, the runners' queue).
    await burst(room.students.slice(0, slots));
    await sleep(1000);
    const processes = processesOf(d);
    await Promise.all(processes.map((p) => p.process.sample(PROBE_TIMEOUT_MS)));
    const cpu = cpuOf(d);
    const { ids, totalMs, submittedMs } = await burst(room.students);
    const window = cpu.end();
    const probes = await Promise.all(
      processes.map(async (p) => figuresOf(p.name, await p.process.sample(PROBE_TIMEOUT_MS))),
    );
    const results = ids.map((id) => done.get(id)?.run as RunSummary);
    const takenBy = d.runners.length > 0 ? await runnersOf(d.redisUrl, d.redisPrefix, ids) : [];
    const byRunner: Record<string, number> = {};
    for (const r of takenBy) byRunner[r ?? "none"] = (byRunner[r ?? "none"] ?? 0) + 1;
    const runsPerSecond = BURST / (totalMs / 1000);
    return {
      phase: name,
      runs: BURST,
      slots,
      loadAverage: { before, after: load() },
      totalMs: round(totalMs, 0),
      submittedMs: round(submittedMs, 0),
      runsPerSecond: round(runsPerSecond),
      runsPerSecondPerCore: round(runsPerSecond / CORES),
      finished: results.filter((r) => r.status === "finished").length,
      correct: results.filter((r, n) => r.exitCode === 0 && r.tail.includes(burstExpected(n))).length,
      failed: results.filter((r) => r.status === "failed").length,
      byRunner,
      processes: probes,
      cpu: window,
      cpuMsPerRun: round(cpuMs(window, serverPart) / BURST, 1),
    };
  } finally {
    channel.close();
  }
}

// ---------------------------------------------------------------------------------------------

/** Starts a deployment, runs `phase` on it, and stops it (also when the phase fails). */
async function withDeployment<T>(
  options: { instances: number; runners: number },
  work: string,
  phase: (d: Deployment) => Promise<T>,
): Promise<T> {
  const d = await startDeployment({ ...options, runnerCapacity: CORES, workDir: work });
  try {
    return await phase(d);
  } finally {
    await d.close();
  }
}

const cpuTable = (windows: { label: string; cpu: CpuWindow }[]) => {
  const parts = [...new Set(windows.flatMap((w) => w.cpu.parts.map((p) => p.part)))];
  return [
    `| part | ${windows.map((w) => `${w.label} % of machine | ${w.label} cores`).join(" | ")} |`,
    `|---|${windows.map(() => "---|---").join("|")}|`,
    ...parts.map(
      (part) =>
        `| ${part} | ${windows
          .map((w) => {
            const row = w.cpu.parts.find((p) => p.part === part);
            return row ? `${row.machinePercent} | ${row.cores}` : " | ";
          })
          .join(" | ")} |`,
    ),
    `| machine busy | ${windows.map((w) => `${w.cpu.machineBusyPercent} | ${round((w.cpu.machineBusyPercent / 100) * w.cpu.cores, 2)}`).join(" | ")} |`,
    "",
    ...windows.map(
      (w) =>
        `${w.label}, the largest of the rest: ${w.cpu.restLargest.map((r) => `${r.part} ${r.machinePercent} %`).join(", ") || "none"}`,
    ),
  ];
};

function report(baseline: TypingPhase, cluster: TypingPhase, local: BurstPhase, remote: BurstPhase) {
  const ratio = (key: "p50" | "p95" | "p99", over: Percentiles) =>
    round(over[key] / baseline.keystrokes[key]);
  const ratios = {
    all: {
      p50: ratio("p50", cluster.keystrokes),
      p95: ratio("p95", cluster.keystrokes),
      p99: ratio("p99", cluster.keystrokes),
    },
    byInstance: Object.fromEntries(
      cluster.byInstance.map((g) => [
        g.instance,
        { p50: ratio("p50", g.keystrokes), p95: ratio("p95", g.keystrokes), p99: ratio("p99", g.keystrokes) },
      ]),
    ),
  };
  const burstRatio = {
    time: round(remote.totalMs / local.totalMs),
    runsPerSecond: round(remote.runsPerSecond / local.runsPerSecond),
  };
  const procRow = (phase: TypingPhase, name: string) => phase.processes.find((p) => p.name === name);
  const lines = [
    `${STUDENTS} students typing a character every ${KEYSTROKE_MS} ms, teacher on every document (on instance-a); ${MEASURE_MS / 1000} s windows; ${CORES} cores`,
    "",
    "| phase | students there | keystrokes | p50 ms | p95 ms | p99 ms | max ms | event-loop p99 ms | CPU % | RSS MiB |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...[baseline, cluster].flatMap((phase) => [
      ...phase.byInstance.map((g) => {
        const p = procRow(phase, g.instance);
        return `| ${phase.phase}: ${g.instance} | ${g.students} | ${g.keystrokes.count} | ${g.keystrokes.p50} | ${g.keystrokes.p95} | ${g.keystrokes.p99} | ${g.keystrokes.max} | ${p?.loopP99Ms} | ${p?.cpuPercent} | ${p?.rssMiB} |`;
      }),
      ...(phase.byInstance.length > 1
        ? [
            `| ${phase.phase}: all | ${phase.students} | ${phase.keystrokes.count} | ${phase.keystrokes.p50} | ${phase.keystrokes.p95} | ${phase.keystrokes.p99} | ${phase.keystrokes.max} | | | |`,
          ]
        : []),
    ]),
    `| ratio cluster/baseline: all | | | ${ratios.all.p50} | ${ratios.all.p95} | ${ratios.all.p99} | | | | |`,
    ...Object.entries(ratios.byInstance).map(
      ([name, r]) => `| ratio cluster/baseline: ${name} | | | ${r.p50} | ${r.p95} | ${r.p99} | | | | |`,
    ),
    "",
    `keystrokes typed in the window -> seen by the teacher in it: baseline ${baseline.sent} -> ${baseline.keystrokes.count}, cluster ${cluster.sent} -> ${cluster.keystrokes.count}`,
    "",
    `server CPU per keystroke (instances + runners + PostgreSQL + Redis): baseline ${baseline.serverCpuMsPerKeystroke} ms, cluster ${cluster.serverCpuMsPerKeystroke} ms`,
    "",
    "| burst | runs | slots | submitted ms | all done ms | runs/s | runs/s per core | finished | correct | failed | CPU ms per run | by runner |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...[local, remote].map(
      (b) =>
        `| ${b.phase} | ${b.runs} | ${b.slots} | ${b.submittedMs} | ${b.totalMs} | ${b.runsPerSecond} | ${b.runsPerSecondPerCore} | ${b.finished} | ${b.correct} | ${b.failed} | ${b.cpuMsPerRun} | ${JSON.stringify(b.byRunner)} |`,
    ),
    `| ratio (b)/(a) | | | | ${burstRatio.time} | ${burstRatio.runsPerSecond} | | | | | | |`,
    "",
    ...cpuTable([
      { label: "baseline typing", cpu: baseline.cpu },
      { label: "cluster typing", cpu: cluster.cpu },
      { label: "burst (a)", cpu: local.cpu },
      { label: "burst (b)", cpu: remote.cpu },
    ]),
  ];
  console.log(lines.join("\n"));
  return { ratios, burstRatio };
}

const work = mkdtempSync(path.join(tmpdir(), "observer-bench-cluster-"));
try {
  const loadBefore = load();
  const cpu = cpus()[0]?.model ?? "unknown";
  console.log(
    `bench:cluster: ${STUDENTS} students, ${MEASURE_MS} ms windows, burst of ${BURST}; load ${loadBefore}`,
  );
  const baseline = await withDeployment({ instances: 1, runners: 0 }, work, (d) =>
    typingPhase("baseline (1 instance)", d),
  );
  console.log(
    `baseline done: sent ${baseline.sent}, seen ${baseline.keystrokes.count}, p50 ${baseline.keystrokes.p50} p99 ${baseline.keystrokes.p99}; load ${load()}`,
  );
  const cluster = await withDeployment({ instances: 2, runners: 2 }, work, (d) =>
    typingPhase("cluster (2 instances + 2 runners)", d),
  );
  console.log(
    `cluster done: sent ${cluster.sent}, seen ${cluster.keystrokes.count}, p50 ${cluster.keystrokes.p50} p99 ${cluster.keystrokes.p99}; load ${load()}`,
  );
  const local = await withDeployment({ instances: 1, runners: 0 }, work, (d) =>
    burstPhase("(a) 1 instance, runs itself", d, CORES),
  );
  console.log(`burst (a) done: ${local.totalMs} ms; load ${load()}`);
  const remote = await withDeployment({ instances: 2, runners: 2 }, work, (d) =>
    burstPhase("(b) 2 instances + 2 runners", d, 2 * CORES),
  );
  console.log(`burst (b) done: ${remote.totalMs} ms; load ${load()}`);
  const { ratios, burstRatio } = report(baseline, cluster, local, remote);
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: CORES, cpuModel: cpu, memoryGiB: round(totalmem() / 2 ** 30, 1) },
    loadAverage: { before: loadBefore, after: load() },
    settings: {
      students: STUDENTS,
      keystrokeMs: KEYSTROKE_MS,
      measureMs: MEASURE_MS,
      warmupMs: WARMUP_MS,
      burst: BURST,
      runnerCapacity: CORES,
      localConcurrency: CORES,
      redis: benchRedisUrl,
    },
    typing: { baseline, cluster, ratiosClusterOverBaseline: ratios },
    burst: { local, remote, ratioRemoteOverLocal: burstRatio },
  };
  // The default size keeps the plain name; another size gets its own file (both in the README).
  const name = STUDENTS === 400 ? "cluster.json" : `cluster-${STUDENTS}.json`;
  writeFileSync(path.join(repoRoot, "bench/results", name), `${JSON.stringify(result, null, 2)}\n`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await stopAll();
  rmSync(work, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
