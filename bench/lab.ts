// `npm run bench:lab`: a live lab on one Observer server (embedded PGlite, its own process).
// A: 40 students type 5 characters a second while the teacher is subscribed to every document
// (keystroke -> teacher latency, as bench:collab). B: the same typing while random students
// raise and lower hands, 2 changes a second in total: raise sent -> `hand_update` on the
// teacher's session channel, and the keystroke latency again, as a ratio to A. A': A again, to
// see how much the machine drifted. Lock: with 40 and with 300 students typing, the teacher
// locks editing; time from the PATCH being sent until each student has had an edit refused
// (the stateless `editing_locked` notice). The load runs in this process.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import {
  type ChannelServerMessage,
  channelServerMessageSchema,
  editingLockedNoticeSchema,
  sessionChannelPath,
  studentDocumentName,
} from "@observer/protocol";
import { apiCall, classroomOver } from "../packages/server/test/http-client.ts";
import { openSocket } from "../packages/server/test/socket-client.ts";
import { HandLoad } from "./support/hand-load.ts";
import { type ObserverServer, startObserverServer } from "./support/observer-server.ts";
import { type ProbeSample, repoRoot } from "./support/processes.ts";
import { percentile, round } from "./support/stats.ts";
import { TypingClass } from "./support/typing-class.ts";

const CLASS = Number(process.env.BENCH_CLASS ?? 40);
const LOCK_SIZES = (process.env.BENCH_LOCK_SIZES ?? "40,300").split(",").map(Number);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 15_000);
const HAND_CHANGES_PER_SECOND = Number(process.env.BENCH_HAND_CHANGES ?? 2);
const WARMUP_MS = 3000;
/** After the hands start or stop, before a window opens: requests under way settle. */
const SETTLE_MS = 2000;
const LOCK_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A teacher's class on the server: the session, the students, their typing load. */
async function classOf(url: string, n: number) {
  const { teacher, session, students } = await classroomOver(url, n);
  const docs = students.map((s) => ({
    name: studentDocumentName(session.id, s.id),
    studentToken: s.accessToken,
  }));
  const typing = await TypingClass.connect(url, docs, teacher.accessToken);
  return { teacher, session, students, typing };
}

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
  max: values.length === 0 ? Number.NaN : round(Math.max(...values)),
});

interface Phase {
  phase: string;
  keystrokes: Percentiles;
  serverLoopP99Ms: number;
  serverCpuPercent: number;
}

/** Measures one window of the running typing load (and the server's probe over it). */
async function window(name: string, target: ObserverServer, typing: TypingClass): Promise<Phase> {
  typing.takeLatencies();
  await target.server.sample();
  typing.measuring = true;
  await sleep(MEASURE_MS);
  typing.measuring = false;
  const probe: ProbeSample = await target.server.sample();
  return {
    phase: name,
    keystrokes: summary(typing.takeLatencies()),
    serverLoopP99Ms: round(probe.loopP99Ms),
    serverCpuPercent: round(probe.cpuPercent, 1),
  };
}

/** Phases A, B and A' on a class of `CLASS` students. */
async function typingAndHands(target: ObserverServer) {
  const { teacher, session, students, typing } = await classOf(target.url, CLASS);
  const hands = new HandLoad(target.url, session.id, students, HAND_CHANGES_PER_SECOND);
  const channel = await openSocket<ChannelServerMessage>(
    target.url,
    sessionChannelPath(session.id),
    channelServerMessageSchema,
    teacher.accessToken,
    (message, answer) => {
      if (message.type === "ping") answer({ type: "pong" });
      else if (message.type === "hand_update") hands.heard(message.hand, performance.now());
      return message.type === "ready" || message.type === "error";
    },
  );
  const errors = () => channel.messages.filter((m) => m.type === "error");
  try {
    await channel.next((m) => m.type === "ready", 10_000);
    typing.startTyping();
    await sleep(WARMUP_MS);
    const a = await window("A: typing", target, typing);
    hands.start();
    await sleep(SETTLE_MS);
    hands.measuring = true;
    const b = await window("B: typing + hands", target, typing);
    hands.measuring = false;
    await hands.stop();
    await sleep(SETTLE_MS);
    const again = await window("A': typing again", target, typing);
    if (hands.failures.length > 0) throw new Error(`hand requests failed: ${hands.failures.slice(0, 3)}`);
    if (errors().length > 0) throw new Error(`channel: ${JSON.stringify(errors())}`);
    return {
      phases: [a, b, again],
      hands: {
        raised: summary(hands.raised),
        raiseReplied: summary(hands.raiseReplied),
        lowered: summary(hands.lowered),
      },
    };
  } finally {
    channel.close();
    typing.close();
  }
}

interface LockRow {
  students: number;
  /** A GET of the session just before the PATCH (ms): how busy the server and its database are. */
  readMs: number;
  /** PATCH sent -> its reply (ms). */
  patchMs: number;
  refused: number;
  /** PATCH sent -> each student's refusal notice (ms). */
  p50: number;
  p95: number;
  last: number;
}

/**
 * `n` students typing (teacher subscribed); the teacher locks editing. Each student also sends
 * an edit the moment the PATCH is answered, and keeps typing until refused.
 */
async function lockAll(target: ObserverServer, n: number): Promise<LockRow> {
  const { teacher, session, typing } = await classOf(target.url, n);
  const refusedAt: number[] = [];
  let sentAt = Number.NaN;
  let allRefused = () => {};
  const done = new Promise<void>((resolve) => {
    allRefused = resolve;
  });
  typing.students.forEach((student, i) => {
    student.provider.on("stateless", ({ payload }: { payload: string }) => {
      let notice: unknown;
      try {
        notice = JSON.parse(payload);
      } catch {
        return;
      }
      if (!editingLockedNoticeSchema.safeParse(notice).success || refusedAt[i] !== undefined) return;
      refusedAt[i] = performance.now() - sentAt;
      if (refusedAt.filter((t) => t !== undefined).length === n) allRefused();
    });
  });
  try {
    typing.startTyping();
    await sleep(WARMUP_MS);
    const readSent = performance.now();
    const read = await apiCall(target.url, "GET", `/api/sessions/${session.id}`, {
      token: teacher.accessToken,
    });
    const readMs = performance.now() - readSent;
    if (read.status !== 200) throw new Error(`read: ${read.status}`);
    sentAt = performance.now();
    const res = await apiCall(target.url, "PATCH", `/api/sessions/${session.id}`, {
      token: teacher.accessToken,
      body: { editing: "locked" },
    });
    const patchMs = performance.now() - sentAt;
    if (res.status !== 200) throw new Error(`lock: ${res.status} ${JSON.stringify(res.json)}`);
    typing.students.forEach((_, i) => {
      typing.keystroke(i);
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((r) => (timer = setTimeout(r, LOCK_TIMEOUT_MS)))]);
    clearTimeout(timer);
    const times = refusedAt.filter((t) => t !== undefined);
    if (times.length < n) throw new Error(`lock: only ${times.length} of ${n} students were refused`);
    return {
      students: n,
      readMs: round(readMs),
      patchMs: round(patchMs),
      refused: times.length,
      p50: round(percentile(times, 50)),
      p95: round(percentile(times, 95)),
      last: round(Math.max(...times)),
    };
  } finally {
    typing.close();
  }
}

/** Runs every phase on one server and writes the report. */
async function run(target: ObserverServer, loadBefore: number[]): Promise<void> {
  const result = await typingAndHands(target);
  const locks: LockRow[] = [];
  for (const n of LOCK_SIZES) {
    await sleep(SETTLE_MS);
    locks.push(await lockAll(target, n));
  }
  const [a, b, again] = result.phases as [Phase, Phase, Phase];
  const ratio = (key: "p50" | "p95" | "p99", over: Phase) => round(over.keystrokes[key] / a.keystrokes[key]);
  const ratios = { p50: ratio("p50", b), p95: ratio("p95", b), p99: ratio("p99", b) };
  const drift = { p50: ratio("p50", again), p95: ratio("p95", again), p99: ratio("p99", again) };
  const loadAfter = loadavg().map((l) => round(l));
  const lines = [
    `${CLASS} students typing 5 characters/s, teacher on every document, ${HAND_CHANGES_PER_SECOND} hand changes/s in B; ${MEASURE_MS / 1000} s windows; load average ${loadBefore.join(" ")} -> ${loadAfter.join(" ")}`,
    "",
    "| phase | keystrokes | p50 ms | p95 ms | p99 ms | max ms | server event-loop p99 ms | server CPU % |",
    "|---|---|---|---|---|---|---|---|",
    ...result.phases.map(
      (p) =>
        `| ${p.phase} | ${p.keystrokes.count} | ${p.keystrokes.p50} | ${p.keystrokes.p95} | ${p.keystrokes.p99} | ${p.keystrokes.max} | ${p.serverLoopP99Ms} | ${p.serverCpuPercent} |`,
    ),
    `| ratio B/A | | ${ratios.p50} | ${ratios.p95} | ${ratios.p99} | | | |`,
    `| ratio A'/A | | ${drift.p50} | ${drift.p95} | ${drift.p99} | | | |`,
    "",
    "| hands (B window) | count | p50 ms | p95 ms | p99 ms | max ms |",
    "|---|---|---|---|---|---|",
    ...(
      [
        ["raised", "raise sent -> hand_update on the teacher's channel"],
        ["raiseReplied", "raise sent -> its HTTP reply"],
        ["lowered", "lower sent -> hand_update on the teacher's channel"],
      ] as const
    ).map(([k, label]) => {
      const h = result.hands[k];
      return `| ${label} | ${h.count} | ${h.p50} | ${h.p95} | ${h.p99} | ${h.max} |`;
    }),
    "",
    "| lock all: students | GET session before ms | PATCH answered ms | refused | p50 ms | p95 ms | last ms |",
    "|---|---|---|---|---|---|---|",
    ...locks.map(
      (l) =>
        `| ${l.students} | ${l.readMs} | ${l.patchMs} | ${l.refused} | ${l.p50} | ${l.p95} | ${l.last} |`,
    ),
  ];
  console.log(lines.join("\n"));
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, memoryGiB: round(totalmem() / 2 ** 30, 1) },
    loadAverage: { before: loadBefore, after: loadAfter },
    measureMs: MEASURE_MS,
    students: CLASS,
    handChangesPerSecond: HAND_CHANGES_PER_SECOND,
    phases: result.phases,
    ratiosBOverA: ratios,
    ratiosAgainOverA: drift,
    hands: result.hands,
    lock: locks,
  };
  writeFileSync(path.join(repoRoot, "bench/results/lab.json"), `${JSON.stringify(report, null, 2)}\n`);
}

const work = mkdtempSync(path.join(tmpdir(), "observer-bench-lab-"));
let target: ObserverServer | undefined;
try {
  const loadBefore = loadavg().map((l) => round(l));
  target = await startObserverServer(path.join(work, "probe.json"), path.join(work, "data"));
  await run(target, loadBefore);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await target?.server.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
