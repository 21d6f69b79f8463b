// `npm run bench:collab`: N simulated students each type 5 characters a second into their own
// document while one simulated teacher is subscribed to all of them (one multiplexed socket).
// Measures keystroke -> teacher latency, the server's event-loop delay, memory per student and
// CPU, for Observer and for a bare Hocuspocus server (no auth, no persistence) under the same
// load in the same script. Servers run in their own processes; the load runs here.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { studentDocumentName } from "@observer/protocol";
import { classroomOver } from "../packages/server/test/http-client.ts";
import { freePort } from "../packages/server/test/spawn-server.ts";
import { startObserverServer } from "./support/observer-server.ts";
import { BenchProcess, type ProbeSample, repoRoot, waitForHttp } from "./support/processes.ts";
import { percentile, round } from "./support/stats.ts";
import { type ClassDocument, TypingClass } from "./support/typing-class.ts";

const SIZES = (process.env.BENCH_SIZES ?? "60,300").split(",").map(Number);
const WARMUP_MS = 3000;
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 15_000);

interface Target {
  url: string;
  docs: ClassDocument[];
  teacherToken: string | null;
  server: BenchProcess;
}

async function startObserver(students: number, probeFile: string, dataDir: string): Promise<Target> {
  const { url, server } = await startObserverServer(probeFile, dataDir);
  const { teacher, session, students: list } = await classroomOver(url, students);
  return {
    url,
    server,
    teacherToken: teacher.accessToken,
    docs: list.map((s) => ({ name: studentDocumentName(session.id, s.id), studentToken: s.accessToken })),
  };
}

async function startBare(students: number, probeFile: string): Promise<Target> {
  const port = await freePort();
  const server = BenchProcess.start("bench/support/bare-hocuspocus.ts", { PORT: String(port) }, probeFile);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url);
  const session = crypto.randomUUID();
  return {
    url,
    server,
    teacherToken: null,
    docs: Array.from({ length: students }, () => ({
      name: studentDocumentName(session, crypto.randomUUID()),
      studentToken: null,
    })),
  };
}

/** Runs the load against one server; returns latencies (ms) and the probe's figures. */
async function runLoad(target: Target) {
  const load = await TypingClass.connect(target.url, target.docs, target.teacherToken);
  load.startTyping();
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  await target.server.sample();
  load.measuring = true;
  const clientLoop = (await import("node:perf_hooks")).monitorEventLoopDelay({ resolution: 5 });
  clientLoop.enable();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  load.measuring = false;
  const busy = await target.server.sample();
  clientLoop.disable();
  const latencies = load.takeLatencies();
  load.close();
  // Memory per student: the server's live heap with the class connected minus after it left.
  await new Promise((r) => setTimeout(r, 3000));
  const after = await target.server.sample();
  return { latencies, busy, after, clientLoopP99Ms: clientLoop.percentile(99) / 1e6 };
}

interface Row {
  server: string;
  students: number;
  keystrokes: number;
  p50: number;
  p95: number;
  p99: number;
  loopP99: number;
  memoryPerStudentKiB: number;
  cpuPercent: number;
  clientLoopP99: number;
}

function row(name: string, n: number, r: Awaited<ReturnType<typeof runLoad>>): Row {
  const s: ProbeSample = r.busy;
  return {
    server: name,
    students: n,
    keystrokes: r.latencies.length,
    p50: round(percentile(r.latencies, 50)),
    p95: round(percentile(r.latencies, 95)),
    p99: round(percentile(r.latencies, 99)),
    loopP99: round(s.loopP99Ms),
    memoryPerStudentKiB: round((s.heapUsedBytes - r.after.heapUsedBytes) / 1024 / n, 1),
    cpuPercent: round(s.cpuPercent, 1),
    clientLoopP99: round(r.clientLoopP99Ms),
  };
}

const rows: Row[] = [];
const work = mkdtempSync(path.join(tmpdir(), "observer-bench-"));
try {
  for (const n of SIZES) {
    if (process.env.BENCH_ONLY !== "observer") {
      const bare = await startBare(n, path.join(work, `bare-${n}.json`));
      rows.push(row("bare Hocuspocus", n, await runLoad(bare)));
      await bare.server.stop();
    }
    const observer = await startObserver(
      n,
      path.join(work, `observer-${n}.json`),
      path.join(work, `data-${n}`),
    );
    rows.push(row("Observer", n, await runLoad(observer)));
    await observer.server.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const lines = [
  "| server | students | keystrokes measured | p50 ms | p95 ms | p99 ms | server event-loop p99 ms | server heap / student KiB | server CPU % | load-process loop p99 ms |",
  "|---|---|---|---|---|---|---|---|---|---|",
  ...rows.map(
    (r) =>
      `| ${r.server} | ${r.students} | ${r.keystrokes} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.loopP99} | ${r.memoryPerStudentKiB} | ${r.cpuPercent} | ${r.clientLoopP99} |`,
  ),
  "",
  ...SIZES.map((n) => {
    const bare = rows.find((r) => r.students === n && r.server !== "Observer");
    const obs = rows.find((r) => r.students === n && r.server === "Observer");
    return bare && obs
      ? `- ${n} students: Observer p99 / bare p99 = ${round(obs.p99 / bare.p99)} (target ≤ 1.2); Observer event-loop p99 ${obs.loopP99} ms (target ≤ 10 ms)`
      : "";
  }),
];
const report = lines.join("\n");
console.log(report);
writeFileSync(
  path.join(repoRoot, "bench/results/collab.json"),
  `${JSON.stringify({ date: new Date().toISOString(), measureMs: MEASURE_MS, rows }, null, 2)}\n`,
);
process.exit(0);
