// `npm run bench:exec`: how long a student waits for a program, through the API.
// 1. Per language, submit (POST .../runs) -> first `output` message on the run's terminal socket
//    and -> its `exit` message, against the same program spawned directly on this host (no
//    sandbox, no server; compiled first for C, C++ and Java, as the server does).
// 2. A burst: 40 students each submit a Python run at once; time until all 40 have exited.
// 3. Typing into a running program: stdin message -> the echoed character, against the same
//    program under a local node-pty.
// Plus, to say where the time goes, the same runs through the server's runner in this process
// (no HTTP): without bwrap, with bwrap and warm launchers, with bwrap and no warm launchers.
// The server runs in its own process on loopback, with its data in a temporary folder.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import type { Language } from "@observer/protocol";
import { spawn as spawnPty } from "node-pty";
import { WebSocket } from "ws";
import { sandboxEnv } from "../packages/server/src/exec/bwrap-command.ts";
import { CompileCache } from "../packages/server/src/exec/compile-cache.ts";
import { detectToolchain, languagePlan } from "../packages/server/src/exec/languages.ts";
import { DEFAULT_COMPILE_LIMITS, DEFAULT_RUN_LIMITS } from "../packages/server/src/exec/limits.ts";
import { LocalBwrapRunner } from "../packages/server/src/exec/local-runner.ts";
import { RunQueue } from "../packages/server/src/exec/run-queue.ts";
import { apiCall, classroomOver } from "../packages/server/test/http-client.ts";
import { freePort } from "../packages/server/test/spawn-server.ts";
import { BenchProcess, repoRoot, waitForHttp } from "./support/processes.ts";
import { percentile, round } from "./support/stats.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const WARMUPS = 2;
const LANGUAGES = (process.env.BENCH_LANGUAGES ?? "python,javascript,c,cpp,java").split(",") as Language[];
/**
 * Pause after each run: one run on an idle server is measured, not its overlap with the
 * previous run's clean-up and the start of replacement launchers (each a fork of the server).
 */
const SETTLE_MS = 250;
const BURST = 40;
const BURST_REPEATS = 3;
const KEYSTROKES = 200;
const KEYSTROKE_GAP_MS = 20;
/** BENCH_BREAKDOWN=0 skips the in-process runner configurations. */
const BREAKDOWN = process.env.BENCH_BREAKDOWN !== "0";

const HELLO: Record<Language, string> = {
  python: 'print("hello, world")\n',
  javascript: 'console.log("hello, world");\n',
  c: '#include <stdio.h>\n\nint main(void) {\n  printf("hello, world\\n");\n  return 0;\n}\n',
  cpp: '#include <iostream>\n\nint main() {\n  std::cout << "hello, world" << std::endl;\n  return 0;\n}\n',
  java: 'public class Main {\n  public static void main(String[] args) {\n    System.out.println("hello, world");\n  }\n}\n',
};

/** Reads lines and writes them back in capitals: lower case is the terminal's echo, upper case the program's. */
const ECHO_PROGRAM = [
  "import sys",
  'print("ready", flush=True)',
  "while True:",
  "    line = sys.stdin.readline()",
  "    if not line:",
  "        break",
  "    sys.stdout.write(line.upper())",
  "    sys.stdout.flush()",
  "",
].join("\n");

const burstProgram = (n: number) => `print("run", ${n}, sum(range(${n * 1000})))\n`;
const burstExpected = (n: number) => `run ${n} ${(n * 1000 * (n * 1000 - 1)) / 2}`;

/** ANSI sequences and carriage returns removed: the text as read on screen. */
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Timing {
  firstByteMs: number;
  exitMs: number;
  output: string;
}

interface ApiTiming extends Timing {
  /** POST returned (201). */
  postMs: number;
  /** The `status: running` message arrived (after the compile for C, C++, Java). */
  runningMs: number | null;
  /** The exit message's durationMs: the program's own phase, timed by the server. */
  programMs: number;
  exitCode: number | null;
}

// ---------------------------------------------------------------------------------------------
// Directly on the host: the server's own commands (languages.ts), no sandbox, no pty.

/**
 * The direct baseline is the naive one: the plain compiler commands (ld.bfd, no precompiled
 * header, no class-data archive), as a student would type them.
 */
const tools = { ...detectToolchain(), gold: false };

function spawnTimed(command: string[], cwd: string, t0: number, onFirstByte: () => void) {
  const child: ChildProcess = spawn(command[0] as string, command.slice(1), {
    cwd,
    env: sandboxEnv({ HOME: cwd }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    if (output === "") onFirstByte();
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  return new Promise<{ code: number | null; output: string; at: number }>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      const at = performance.now() - t0;
      // The rest of the pipe's data is read right after.
      child.on("close", () => resolve({ code, output, at }));
    });
  });
}

async function runDirect(language: Language, code: string, work: string): Promise<Timing> {
  const plan = languagePlan(language, code, tools, { ...DEFAULT_RUN_LIMITS }, { ...DEFAULT_COMPILE_LIMITS });
  const dir = mkdtempSync(path.join(work, "direct-"));
  const t0 = performance.now();
  writeFileSync(path.join(dir, plan.sourceFile), code);
  if (plan.compile) {
    const compiled = await spawnTimed(plan.compile, dir, t0, () => {});
    if (compiled.code !== 0) throw new Error(`direct ${language} compile failed: ${compiled.output}`);
  }
  let firstByteMs = Number.NaN;
  const ran = await spawnTimed(plan.run, dir, t0, () => {
    firstByteMs = performance.now() - t0;
  });
  rmSync(dir, { recursive: true, force: true });
  if (ran.code !== 0) throw new Error(`direct ${language} exited ${ran.code}: ${ran.output}`);
  return { firstByteMs, exitMs: ran.at, output: ran.output };
}

// ---------------------------------------------------------------------------------------------
// Through the API: POST, then the terminal socket.

interface Student {
  sessionId: string;
  token: string;
}

/** Opens a run's terminal socket and hands its messages to `onMessage` until `exit`. */
function attach(
  url: string,
  runId: string,
  token: string,
  onMessage: (message: Record<string, unknown>, ws: WebSocket) => void,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace("http", "ws")}/api/runs/${runId}/terminal`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`run ${runId}: no exit within 60 s`));
    }, 60_000);
    let exit: Record<string, unknown> | null = null;
    ws.on("open", () => ws.send(JSON.stringify({ type: "auth", token })));
    ws.on("message", (raw) => {
      const message = JSON.parse(raw.toString()) as Record<string, unknown>;
      onMessage(message, ws);
      if (message.type === "exit") {
        exit = message;
        clearTimeout(timer);
        resolve(message);
        ws.close();
      }
    });
    ws.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on("close", (code, reason) => {
      clearTimeout(timer);
      if (!exit) reject(new Error(`run ${runId}: socket closed (${code} ${reason.toString()}) before exit`));
    });
  });
}

async function postRun(url: string, student: Student, language: Language, code: string): Promise<string> {
  const res = await apiCall<{ run: { id: string } }>(url, "POST", `/api/sessions/${student.sessionId}/runs`, {
    token: student.token,
    body: { language, code },
  });
  if (res.status !== 201) throw new Error(`POST runs: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.run.id;
}

/** One run through the API; times are from `t0` (default: just before the POST). */
async function runApi(
  url: string,
  student: Student,
  language: Language,
  code: string,
  t0 = performance.now(),
): Promise<ApiTiming> {
  const runId = await postRun(url, student, language, code);
  const postMs = performance.now() - t0;
  let firstByteMs = Number.NaN;
  let runningMs: number | null = null;
  let output = "";
  const exit = await attach(url, runId, student.token, (message) => {
    const now = performance.now() - t0;
    if (message.type === "output") {
      if (output === "") firstByteMs = now;
      output += message.data as string;
    } else if (message.type === "status" && message.status === "running" && runningMs === null) {
      runningMs = now;
    }
  });
  return {
    firstByteMs,
    exitMs: performance.now() - t0,
    output,
    postMs,
    runningMs,
    programMs: exit.durationMs as number,
    exitCode: exit.exitCode as number | null,
  };
}

// ---------------------------------------------------------------------------------------------
// The server's runner in this process (no HTTP, no database): where the time goes.

interface InProcess {
  name: string;
  runner: LocalBwrapRunner;
  queue: RunQueue;
}

const quietLog = { info() {}, warn() {}, error: (m: string) => console.error(m) };

async function inProcessRunners(): Promise<InProcess[]> {
  if (!BREAKDOWN) return [];
  const configs: [string, Parameters<typeof LocalBwrapRunner.create>[0]][] = [
    ["runner, no sandbox (launcher, pty, cgroups, setpriv)", { sandbox: "none", log: quietLog }],
    ["runner, bwrap, warm launchers", { sandbox: "bwrap", log: quietLog }],
    ["runner, bwrap, no warm launcher", { sandbox: "bwrap", warmLaunchers: 0, log: quietLog }],
  ];
  const out: InProcess[] = [];
  for (const [name, options] of configs) {
    const runner = await LocalBwrapRunner.create(options);
    if (!runner.sandboxStatus().ok) {
      console.warn(`skipping "${name}": ${runner.sandboxStatus().reason}`);
      await runner.dispose();
      continue;
    }
    out.push({ name, runner, queue: new RunQueue(runner) });
  }
  return out;
}

async function runInProcess(target: InProcess, language: Language, code: string): Promise<Timing> {
  const t0 = performance.now();
  const handle = target.queue.submit("bench", { language, code });
  let firstByteMs = Number.NaN;
  handle.on("output", () => {
    if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - t0;
  });
  const result = await handle.result;
  const exitMs = performance.now() - t0;
  if (result.exitCode !== 0) throw new Error(`${target.name} ${language}: ${JSON.stringify(result)}`);
  return { firstByteMs, exitMs, output: handle.transcript };
}

// ---------------------------------------------------------------------------------------------
// Typing: one character per message, the echo matched in order.

interface EchoFigures {
  /** Keystroke -> its character echoed by the terminal (the pty's line discipline). */
  keystroke: number[];
  /** Enter -> the whole line written back by the program. */
  line: number[];
}

/**
 * Waits for "ready", then types KEYSTROKES lower-case letters (an Enter after every 10th),
 * one per write, KEYSTROKE_GAP_MS apart, then Ctrl-D. Lower-case letters in the output are
 * the terminal's echo of each keystroke; upper-case ones are the program's answer to a line.
 */
function typeInto(write: (data: string) => void, onData: (listener: (data: string) => void) => void) {
  const pendingKeys: number[] = [];
  const lineSentAt: number[] = [];
  let upperSeen = 0;
  const figures: EchoFigures = { keystroke: [], line: [] };
  let ready = false;
  let seen = "";
  let resolveReady: () => void = () => {};
  const whenReady = new Promise<void>((r) => {
    resolveReady = r;
  });
  onData((data) => {
    const now = performance.now();
    if (!ready) {
      seen += data;
      if (plain(seen).includes("ready\n")) {
        ready = true;
        resolveReady();
      }
      return;
    }
    for (const ch of data) {
      if (ch >= "a" && ch <= "z") {
        const sent = pendingKeys.shift();
        if (sent !== undefined) figures.keystroke.push(now - sent);
      } else if (ch >= "A" && ch <= "Z") {
        upperSeen += 1;
        if (upperSeen % 10 === 0) {
          const sent = lineSentAt[upperSeen / 10 - 1];
          if (sent !== undefined) figures.line.push(now - sent);
        }
      }
    }
  });
  return (async () => {
    await whenReady;
    for (let k = 1; k <= KEYSTROKES; k++) {
      pendingKeys.push(performance.now());
      write(String.fromCharCode(97 + ((k - 1) % 26)));
      await sleep(KEYSTROKE_GAP_MS);
      if (k % 10 === 0) {
        lineSentAt.push(performance.now());
        write("\r");
        await sleep(KEYSTROKE_GAP_MS);
      }
    }
    await sleep(200);
    write("\x04");
    return figures;
  })();
}

async function echoThroughApi(url: string, student: Student): Promise<EchoFigures> {
  const runId = await postRun(url, student, "python", ECHO_PROGRAM);
  let listener: (data: string) => void = () => {};
  let socket: WebSocket | null = null;
  const exited = attach(url, runId, student.token, (message, ws) => {
    socket = ws;
    if (message.type === "output") listener(message.data as string);
  });
  const figures = await typeInto(
    (data) => socket?.send(JSON.stringify({ type: "stdin", data })),
    (l) => {
      listener = l;
    },
  );
  await exited;
  return figures;
}

async function echoThroughLocalPty(work: string): Promise<EchoFigures> {
  const dir = mkdtempSync(path.join(work, "echo-"));
  writeFileSync(path.join(dir, "main.py"), ECHO_PROGRAM);
  const pty = spawnPty(tools.python ?? "/usr/bin/python3", ["-u", "main.py"], {
    name: "xterm-256color",
    cols: 80,
    rows: 24,
    cwd: dir,
    env: sandboxEnv({ HOME: dir }),
  });
  const exited = new Promise<void>((r) => pty.onExit(() => r()));
  const figures = await typeInto(
    (data) => pty.write(data),
    (l) => {
      pty.onData(l);
    },
  );
  await exited;
  rmSync(dir, { recursive: true, force: true });
  return figures;
}

// ---------------------------------------------------------------------------------------------
// The burst: 40 students, one Python run each, submitted at once.

async function burstThroughApi(url: string, students: Student[]) {
  const t0 = performance.now();
  const runs = await Promise.all(
    students.map((s, n) => runApi(url, s, "python", burstProgram(n), t0).then((r) => ({ n, ...r }))),
  );
  const totalMs = Math.max(...runs.map((r) => r.exitMs));
  const correct = runs.filter((r) => r.exitCode === 0 && plain(r.output).includes(burstExpected(r.n))).length;
  return { totalMs, correct, firstExitMs: Math.min(...runs.map((r) => r.exitMs)) };
}

async function burstDirect(work: string, concurrency: number) {
  const t0 = performance.now();
  let next = 0;
  const outputs: string[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let n = next++; n < BURST; n = next++) {
        const dir = path.join(work, `burst-${concurrency}-${n}`);
        mkdirSync(dir);
        writeFileSync(path.join(dir, "main.py"), burstProgram(n));
        const ran = await spawnTimed(
          [tools.python ?? "/usr/bin/python3", "-u", "main.py"],
          dir,
          t0,
          () => {},
        );
        outputs[n] = ran.output;
        rmSync(dir, { recursive: true, force: true });
      }
    }),
  );
  const totalMs = performance.now() - t0;
  const correct = outputs.filter((o, n) => o.includes(burstExpected(n))).length;
  return { totalMs, correct };
}

// ---------------------------------------------------------------------------------------------

const stat = (values: number[]) => ({
  p50: round(percentile(values, 50)),
  p95: round(percentile(values, 95)),
});
const median = (values: number[]) => round(percentile(values, 50));

const work = mkdtempSync(path.join(tmpdir(), "observer-bench-exec-"));
let server: BenchProcess | null = null;
let runners: InProcess[] = [];
try {
  const port = await freePort();
  server = BenchProcess.start(
    "packages/server/src/main.ts",
    {
      PORT: String(port),
      HOST: "127.0.0.1",
      OBSERVER_DATA_DIR: path.join(work, "data"),
      OBSERVER_RATE_LIMIT_AUTH: "100000",
      OBSERVER_RATE_LIMIT_API: "1000000",
      OBSERVER_RATE_LIMIT_RUNS: "100000",
      // BENCH_DATABASE_URL: PostgreSQL instead of the embedded PGlite (an empty database).
      ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
    },
    path.join(work, "probe.json"),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/api/health`);
  // The server builds the compile cache in the background at its first start on a machine:
  // measured once it is there (the same folder the server uses: the default runs' folder).
  const cache = new CompileCache(
    path.join(tmpdir(), "observer-runs"),
    detectToolchain(),
    DEFAULT_COMPILE_LIMITS,
    console,
  );
  const cacheDeadline = Date.now() + 300_000;
  cache.build();
  while (!cache.current() && Date.now() < cacheDeadline) await sleep(500);
  console.log(`compile cache: ${JSON.stringify(cache.current())}`);
  const { teacher } = await classroomOver(url, 0);
  const languages = await apiCall<{ languages?: { id: Language; version: string | null }[] }>(
    url,
    "GET",
    "/api/languages",
    { token: teacher.accessToken },
  );
  const versions = Object.fromEntries(languages.json.languages?.map((l) => [l.id, l.version]) ?? []);
  runners = await inProcessRunners();

  // 1. Per language.
  const languageRows = [];
  for (const language of LANGUAGES) {
    const { session, students } = await classroomOver(url, 1, language);
    const student: Student = {
      sessionId: session.id,
      token: (students[0] as { accessToken: string }).accessToken,
    };
    const code = HELLO[language];
    const direct: Timing[] = [];
    const api: ApiTiming[] = [];
    const inProcess: Timing[][] = runners.map(() => []);
    for (let i = 0; i < WARMUPS + RUNS; i++) {
      const d = await runDirect(language, code, work);
      await sleep(SETTLE_MS);
      const a = await runApi(url, student, language, code);
      await sleep(SETTLE_MS);
      if (a.exitCode !== 0 || !plain(a.output).includes("hello, world")) {
        throw new Error(
          `${language} through the API: exit ${a.exitCode}, output ${JSON.stringify(a.output)}`,
        );
      }
      const p = [];
      for (const r of runners) {
        p.push(await runInProcess(r, language, code));
        await sleep(SETTLE_MS);
      }
      if (i < WARMUPS) continue;
      direct.push(d);
      api.push(a);
      for (const [k, t] of p.entries()) inProcess[k]?.push(t);
    }
    const df = stat(direct.map((t) => t.firstByteMs));
    const de = stat(direct.map((t) => t.exitMs));
    const of = stat(api.map((t) => t.firstByteMs));
    const oe = stat(api.map((t) => t.exitMs));
    const compiles = api.some((t) => t.runningMs !== null && t.runningMs > t.postMs + 1);
    languageRows.push({
      language,
      version: versions[language] ?? null,
      runs: RUNS,
      direct: { firstByte: df, exit: de },
      observer: { firstByte: of, exit: oe },
      overhead: {
        firstByteMs: round(of.p50 - df.p50),
        firstByteRatio: round(of.p50 / df.p50),
        exitMs: round(oe.p50 - de.p50),
        exitRatio: round(oe.p50 / de.p50),
      },
      phases: {
        postMs: median(api.map((t) => t.postMs)),
        runningMs: compiles ? median(api.map((t) => t.runningMs ?? Number.NaN)) : null,
        programMs: median(api.map((t) => t.programMs)),
      },
      inProcess: runners.map((r, k) => ({
        name: r.name,
        firstByte: stat((inProcess[k] ?? []).map((t) => t.firstByteMs)),
        exit: stat((inProcess[k] ?? []).map((t) => t.exitMs)),
      })),
    });
    console.log(JSON.stringify(languageRows.at(-1)));
  }

  // 2. The burst.
  const { session: burstSession, students: burstStudents } = await classroomOver(url, BURST, "python");
  const burstList = burstStudents.map((s) => ({ sessionId: burstSession.id, token: s.accessToken }));
  await burstThroughApi(url, burstList); // warm-up
  const burstApi = [];
  const burstDirectAll = [];
  const burstDirectCapped = [];
  for (let i = 0; i < BURST_REPEATS; i++) {
    await sleep(500);
    burstApi.push(await burstThroughApi(url, burstList));
    await sleep(500);
    burstDirectAll.push(await burstDirect(work, BURST));
    burstDirectCapped.push(await burstDirect(work, availableParallelism()));
  }
  const burst = {
    runs: BURST,
    observerMs: burstApi.map((b) => round(b.totalMs)),
    observerMedianMs: median(burstApi.map((b) => b.totalMs)),
    observerCorrect: burstApi.map((b) => b.correct),
    directAllAtOnceMs: burstDirectAll.map((b) => round(b.totalMs)),
    directAllAtOnceMedianMs: median(burstDirectAll.map((b) => b.totalMs)),
    directCappedMs: burstDirectCapped.map((b) => round(b.totalMs)),
    directCappedMedianMs: median(burstDirectCapped.map((b) => b.totalMs)),
    directCorrect: [...burstDirectAll, ...burstDirectCapped].map((b) => b.correct),
    directCappedConcurrency: availableParallelism(),
  };
  console.log(JSON.stringify(burst));

  // 3. Typing, once the burst's clean-up is over.
  await sleep(1000);
  const echoStudent = burstList[0] as Student;
  const echoApi = await echoThroughApi(url, echoStudent);
  const echoLocal = await echoThroughLocalPty(work);
  const echoStat = (values: number[]) => ({
    samples: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
  });
  const echo = {
    keystrokes: KEYSTROKES,
    gapMs: KEYSTROKE_GAP_MS,
    observer: { keystroke: echoStat(echoApi.keystroke), line: echoStat(echoApi.line) },
    localPty: { keystroke: echoStat(echoLocal.keystroke), line: echoStat(echoLocal.line) },
  };
  console.log(JSON.stringify(echo));

  const serverSample = await server.sample();

  // Report.
  const lines = [
    `Runs: ${RUNS} per language after ${WARMUPS} warm-ups; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}.`,
    "",
    "| language | direct first byte p50 | Observer first byte p50 | overhead ms | ratio | direct exit p50 | Observer exit p50 | overhead ms | ratio |",
    "|---|---|---|---|---|---|---|---|---|",
    ...languageRows.map(
      (r) =>
        `| ${r.language} | ${r.direct.firstByte.p50} | ${r.observer.firstByte.p50} | ${r.overhead.firstByteMs} | ${r.overhead.firstByteRatio} | ${r.direct.exit.p50} | ${r.observer.exit.p50} | ${r.overhead.exitMs} | ${r.overhead.exitRatio} |`,
    ),
    "",
    "p95 (first byte / exit): " +
      languageRows
        .map(
          (r) =>
            `${r.language} direct ${r.direct.firstByte.p95}/${r.direct.exit.p95}, Observer ${r.observer.firstByte.p95}/${r.observer.exit.p95}`,
        )
        .join("; "),
    "",
    "Where the time goes (p50 ms; first byte / exit):",
    "",
    `| language | POST returned | status running | program phase (server) |${runners.map((r) => ` ${r.name} |`).join("")}`,
    `|---|---|---|---|${runners.map(() => "---|").join("")}`,
    ...languageRows.map(
      (r) =>
        `| ${r.language} | ${r.phases.postMs} | ${r.phases.runningMs ?? "—"} | ${r.phases.programMs} | ${r.inProcess
          .map((p) => ` ${p.firstByte.p50} / ${p.exit.p50} |`)
          .join("")}`,
    ),
    "",
    `Burst of ${BURST} Python runs: Observer ${burst.observerMs.join(", ")} ms (median ${burst.observerMedianMs}; correct ${burst.observerCorrect.join(", ")} of ${BURST}); direct, all at once ${burst.directAllAtOnceMs.join(", ")} ms (median ${burst.directAllAtOnceMedianMs}); direct, ${burst.directCappedConcurrency} at a time ${burst.directCappedMs.join(", ")} ms (median ${burst.directCappedMedianMs}).`,
    "",
    `Typing (${KEYSTROKES} keystrokes, ${KEYSTROKE_GAP_MS} ms apart): keystroke echo Observer p50 ${echo.observer.keystroke.p50} / p95 ${echo.observer.keystroke.p95} / p99 ${echo.observer.keystroke.p99} ms (max ${echo.observer.keystroke.max}), local pty p50 ${echo.localPty.keystroke.p50} / p95 ${echo.localPty.keystroke.p95} / p99 ${echo.localPty.keystroke.p99} ms; line written back by the program Observer p50 ${echo.observer.line.p50} / p99 ${echo.observer.line.p99} ms, local pty p50 ${echo.localPty.line.p50} / p99 ${echo.localPty.line.p99} ms.`,
    "",
    "Targets:",
    ...languageRows.map(
      (r) =>
        `- ${r.language}: first-byte overhead ${r.overhead.firstByteMs} ms, exit overhead ${r.overhead.exitMs} ms (target ≤ 10 ms at p50): ${r.overhead.firstByteMs <= 10 && r.overhead.exitMs <= 10 ? "met" : "missed"}`,
    ),
    `- burst of ${BURST}: median ${burst.observerMedianMs} ms (target ≤ 1500 ms): ${burst.observerMedianMs <= 1500 ? "met" : "missed"}`,
    `- stdin echo p99: ${echo.observer.keystroke.p99} ms (target ≤ 20 ms): ${echo.observer.keystroke.p99 <= 20 ? "met" : "missed"}`,
  ];
  console.log(lines.join("\n"));
  writeFileSync(
    path.join(repoRoot, "bench/results/exec.json"),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        database: process.env.BENCH_DATABASE_URL ? "postgres" : "pglite",
        cores: availableParallelism(),
        loadAverage: loadavg().map((l) => round(l)),
        runs: RUNS,
        warmups: WARMUPS,
        languages: languageRows,
        burst,
        echo,
        server: { cpuPercent: round(serverSample.cpuPercent, 1), loopP99Ms: round(serverSample.loopP99Ms) },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  for (const r of runners) {
    await r.queue.dispose();
    await r.runner.dispose();
  }
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
