// `npm run bench:runner-sizing`: how many runs one runner machine should take at once
// (OBSERVER_RUNNER_CAPACITY), measured through the runner's own engine in this process
// (LocalBwrapRunner + RunQueue: bwrap, seccomp, cgroups, launchers; no HTTP, no Redis), which
// is what a runner process runs.
// 1. Interactive: the class's usual run. A Python program prints a prompt, waits for a line (the
//    bench types it after BENCH_THINK_MS, as a student would), does a little work, answers and
//    exits. N runs at concurrency 2, 4, 8, 16: throughput, run start -> prompt, Enter -> answer,
//    the machine's CPU, and memory per run (the machine's MemAvailable and Python's own peak RSS).
// 2. CPU-bound: a Python loop with no input, the same concurrencies: the cores are the limit.
// 3. Memory of each toolchain's step (compiler, program) for hello world, spawned directly.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import type { Language } from "@observer/protocol";
import { detectToolchain, languagePlan } from "../packages/server/src/exec/languages.ts";
import { DEFAULT_COMPILE_LIMITS, DEFAULT_RUN_LIMITS } from "../packages/server/src/exec/limits.ts";
import { LocalBwrapRunner } from "../packages/server/src/exec/local-runner.ts";
import { RunQueue } from "../packages/server/src/exec/run-queue.ts";
import type { RunHandle } from "../packages/server/src/exec/runner.ts";
import { repoRoot } from "./support/processes.ts";
import { percentile, round } from "./support/stats.ts";

const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "2,4,8,16").split(",").map(Number);
/** Interactive runs per concurrency level. */
const RUNS = Number(process.env.BENCH_SIZING_RUNS ?? 48);
/** CPU-bound runs per level (each ≈ 0.2 s of CPU). */
const CPU_RUNS = Number(process.env.BENCH_SIZING_CPU_RUNS ?? 24);
/** C++ compile-and-run runs per level (each ≈ 0.7 s of g++). */
const COMPILE_RUNS = Number(process.env.BENCH_SIZING_COMPILE_RUNS ?? 12);
/** The student's pause between the prompt and pressing Enter. */
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 1000);
/** A run that has not ended by then is a failure of the bench, not a figure. */
const RUN_DEADLINE_MS = 60_000;
const CORES = availableParallelism();

const INTERACTIVE = [
  "import resource",
  'name = input("name? ")',
  "total = sum(range(20000))",
  'print("hello", name.upper(), total, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)',
  "",
].join("\n");
const CPU_BOUND = [
  "import time",
  "total = sum(i * i for i in range(1_500_000))",
  'print("done", total, round(time.process_time() * 1000))',
  "",
].join("\n");

const COMPILED = [
  "#include <iostream>",
  "#include <string>",
  "#include <vector>",
  "",
  "int main() {",
  '  std::vector<std::string> words{"compiled"};',
  '  std::cout << words[0] << " " << words.size() << std::endl;',
  "  return 0;",
  "}",
  "",
].join("\n");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quietLog = { info() {}, warn() {}, error: (m: string) => console.error(m) };

/** Busy and total jiffies of all cores (/proc/stat), for the machine's CPU over a window. */
function cpuTimes(): { busy: number; total: number } {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1);
  const values = fields.map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/** Reads a /proc or /sys file that may be gone (a process that ended, a cgroup removed). */
function readOptional(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

const CPUACCT = "/sys/fs/cgroup/cpuacct";

/**
 * The CPU of this process and of everything it starts (pty host, launchers, bwrap, programs),
 * exited processes included: a cgroup v1 cpuacct group of its own, joined before the runner
 * starts (the runner's cgroups are in the memory, pids and cpu hierarchies, not in cpuacct).
 * Null without cgroup v1 cpuacct or without root: CPU per run is then not measured.
 */
function joinCpuAccounting(): { usageMs: () => number; leave: () => void } | null {
  const dir = path.join(CPUACCT, `observer-sizing-${process.pid}`);
  try {
    mkdirSync(dir);
    writeFileSync(path.join(dir, "cgroup.procs"), String(process.pid));
  } catch {
    return null;
  }
  return {
    usageMs: () => Number(readFileSync(path.join(dir, "cpuacct.usage"), "utf8")) / 1e6,
    leave: () => {
      // Everything left in it (this process, an idle pty host) back to the root, then remove it.
      for (const pid of (readOptional(path.join(dir, "cgroup.procs")) ?? "").split("\n").filter(Boolean)) {
        try {
          writeFileSync(path.join(CPUACCT, "cgroup.procs"), pid);
        } catch {
          // ended meanwhile
        }
      }
      rmdirSync(dir);
    },
  };
}

/**
 * The runner's memory cgroup (cgroup v1: `observer-runs-<pid>-<n>` below this process's own),
 * which holds every launcher and run: its peak is what the runs used together, counted as the
 * memory limit counts it (page cache and tmpfs included). Null elsewhere.
 */
function runnerMemoryCgroup(): string | null {
  const own = (readOptional("/proc/self/cgroup") ?? "").match(/^\d+:memory:(.*)$/m)?.[1];
  if (own === undefined) return null;
  const parent = path.join("/sys/fs/cgroup/memory", own);
  const base = (() => {
    try {
      return readdirSync(parent).find((name) => name.startsWith(`observer-runs-${process.pid}-`));
    } catch {
      return undefined;
    }
  })();
  return base ? path.join(parent, base) : null;
}

/** This process's descendants alive now (through /proc/<pid>/task/<tid>/children). */
function descendants(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const tid of tasks) {
    for (const child of (readOptional(`/proc/${pid}/task/${tid}/children`) ?? "")
      .split(" ")
      .filter(Boolean)) {
      found.push(Number(child), ...descendants(Number(child)));
    }
  }
  return found;
}

/** Memory (MiB) of the processes below this one now: resident, and proportional (shared pages split). */
function treeMemoryMiB(): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  for (const pid of descendants(process.pid)) {
    const rollup = readOptional(`/proc/${pid}/smaps_rollup`) ?? "";
    rss += Number(rollup.match(/^Rss:\s+(\d+) kB/m)?.[1] ?? 0);
    pss += Number(rollup.match(/^Pss:\s+(\d+) kB/m)?.[1] ?? 0);
  }
  return { rss: rss / 1024, pss: pss / 1024 };
}

/** Samples the tree's memory every 50 ms until stopped; returns the highest sums seen. */
function watchMemory() {
  const peak = treeMemoryMiB();
  const timer = setInterval(() => {
    const now = treeMemoryMiB();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.pss = Math.max(peak.pss, now.pss);
  }, 50);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

/** Resolves when the run's output (all of it so far, then each chunk) contains `text`. */
function waitForOutput(handle: RunHandle, text: string): Promise<number> {
  return new Promise((resolve) => {
    if (handle.transcript.includes(text)) return resolve(performance.now());
    let seen = handle.transcript;
    const listener = (chunk: string) => {
      seen += chunk;
      if (seen.includes(text)) {
        handle.off("output", listener);
        resolve(performance.now());
      }
    };
    handle.on("output", listener);
  });
}

/** When the run left the queue: its slot is taken (compiling, or running). */
function leftQueue(handle: RunHandle): Promise<number> {
  return new Promise((resolve) => {
    if (handle.status !== "queued") return resolve(performance.now());
    const listener = ({ status }: { status: string }) => {
      if (status !== "queued") {
        handle.off("status", listener);
        resolve(performance.now());
      }
    };
    handle.on("status", listener);
  });
}

interface Workload {
  name: "interactive" | "cpu-bound" | "compile";
  language: Language;
  code: string;
  runs: number;
  /** The program's last line; its one group is a figure the program reports (see `reported`). */
  expect: (n: number) => RegExp;
  /** What that figure is, for the results. */
  reported: string | null;
  interactive: boolean;
}

const WORKLOADS: Workload[] = [
  {
    name: "interactive",
    language: "python",
    code: INTERACTIVE,
    runs: RUNS,
    expect: (n) => new RegExp(`hello STUDENT${n} 199990000 (\\d+)`),
    reported: "Python's peak RSS, KiB",
    interactive: true,
  },
  {
    name: "cpu-bound",
    language: "python",
    code: CPU_BOUND,
    runs: CPU_RUNS,
    expect: () => /done \d+ (\d+)/,
    reported: "the program's CPU time, ms",
    interactive: false,
  },
  {
    name: "compile",
    language: "cpp",
    code: COMPILED,
    runs: COMPILE_RUNS,
    expect: () => /compiled (\d+)/,
    reported: null,
    interactive: false,
  },
];

interface Level {
  workload: Workload["name"];
  concurrency: number;
  runs: number;
  wallS: number;
  runsPerS: number;
  /** Throughput per slot against the lowest concurrency's (1 = each slot as productive). */
  efficiency?: number;
  /** Run start (its slot taken) -> the prompt; Enter typed -> the answer (interactive only). */
  startToPromptP50Ms?: number;
  startToPromptP95Ms?: number;
  enterToAnswerP50Ms?: number;
  enterToAnswerP95Ms?: number;
  /** Run start -> its end, the compile included. */
  runWallP50Ms: number;
  runWallP95Ms: number;
  /** The whole machine's CPU over the level (other work on it included). */
  machineCpuPercent: number;
  /** CPU of the runner (this process, its pty host, launchers, sandboxes, programs) per run; null when not measurable. */
  cpuMsPerRun: number | null;
  /** The runs' memory at its peak over the idle runner's, per run held at once. */
  pssPerRunMiB: number;
  /** The same from the runner's memory cgroup (what the memory limit counts); null without one. */
  cgroupPerRunMiB: number | null;
  /** The median of the figure the program reports (see Workload.reported). */
  reportedP50: number | null;
  loadAverage: number;
}

interface Meters {
  cpuMs: (() => number) | null;
  memoryCgroup: string | null;
}

function cgroupBytes(dir: string, file: string): number {
  return Number(readFileSync(path.join(dir, file), "utf8"));
}

async function runLevel(runner: LocalBwrapRunner, meters: Meters, workload: Workload, concurrency: number) {
  const queue = new RunQueue(runner, { concurrency });
  await sleep(1000); // the previous level's clean-up and replacement launchers
  const idle = treeMemoryMiB();
  const stopMemory = watchMemory();
  const cgroup = meters.memoryCgroup;
  const cgroupIdle = cgroup ? cgroupBytes(cgroup, "memory.usage_in_bytes") : 0;
  if (cgroup) writeFileSync(path.join(cgroup, "memory.max_usage_in_bytes"), "0");
  const cpu0 = cpuTimes();
  const runnerCpu0 = meters.cpuMs?.() ?? 0;
  const t0 = performance.now();
  const startToPrompt: number[] = [];
  const enterToAnswer: number[] = [];
  const runWall: number[] = [];
  const reported: number[] = [];
  await Promise.all(
    Array.from({ length: workload.runs }, async (_, n) => {
      const handle = queue.submit(`student-${n}`, { language: workload.language, code: workload.code });
      const deadline = setTimeout(() => handle.kill(), RUN_DEADLINE_MS);
      // The slot is taken when the run leaves the queue (compiling or running).
      const started = await leftQueue(handle);
      if (workload.interactive) {
        const prompted = await waitForOutput(handle, "name? ");
        startToPrompt.push(prompted - started);
        await sleep(THINK_MS);
        const enter = performance.now();
        handle.write(`student${n}\r`);
        const answered = await waitForOutput(handle, `hello STUDENT${n} `);
        enterToAnswer.push(answered - enter);
      }
      const result = await handle.result;
      clearTimeout(deadline);
      runWall.push(performance.now() - started);
      const line = handle.transcript.match(workload.expect(n));
      if (result.exitCode !== 0 || !line) {
        throw new Error(`${workload.name} run ${n}: ${JSON.stringify(result)} ${handle.transcript}`);
      }
      reported.push(Number(line[1]));
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu1 = cpuTimes();
  const runnerCpuMs = meters.cpuMs ? meters.cpuMs() - runnerCpu0 : null;
  const peak = stopMemory();
  const cgroupPeak = cgroup ? cgroupBytes(cgroup, "memory.max_usage_in_bytes") : 0;
  const level: Level = {
    workload: workload.name,
    concurrency,
    runs: workload.runs,
    wallS: round(wallMs / 1000),
    runsPerS: round(workload.runs / (wallMs / 1000)),
    runWallP50Ms: round(percentile(runWall, 50), 1),
    runWallP95Ms: round(percentile(runWall, 95), 1),
    machineCpuPercent: round((100 * (cpu1.busy - cpu0.busy)) / (cpu1.total - cpu0.total), 1),
    cpuMsPerRun: runnerCpuMs === null ? null : round(runnerCpuMs / workload.runs, 1),
    // Only the runs held at once take memory together: the peak is with every slot busy.
    pssPerRunMiB: round((peak.pss - idle.pss) / concurrency, 1),
    cgroupPerRunMiB: cgroup ? round((cgroupPeak - cgroupIdle) / 2 ** 20 / concurrency, 1) : null,
    reportedP50: workload.reported ? round(percentile(reported, 50), 1) : null,
    loadAverage: round(loadavg()[0] ?? 0),
  };
  if (workload.interactive) {
    Object.assign(level, {
      startToPromptP50Ms: round(percentile(startToPrompt, 50), 1),
      startToPromptP95Ms: round(percentile(startToPrompt, 95), 1),
      enterToAnswerP50Ms: round(percentile(enterToAnswer, 50), 1),
      enterToAnswerP95Ms: round(percentile(enterToAnswer, 95), 1),
    });
  }
  return level;
}

// ---------------------------------------------------------------------------------------------
// Peak memory of each step, spawned directly on the host with the runner's own commands.

const HELLO: Record<Language, string> = {
  python: 'print("hello, world")\n',
  javascript: 'console.log("hello, world");\n',
  c: '#include <stdio.h>\n\nint main(void) {\n  printf("hello, world\\n");\n  return 0;\n}\n',
  cpp: '#include <iostream>\n\nint main() {\n  std::cout << "hello, world" << std::endl;\n  return 0;\n}\n',
  java: 'public class Main {\n  public static void main(String[] args) {\n    System.out.println("hello, world");\n  }\n}\n',
};

/** Peak RSS of a command and its children, in MiB, read by Python's getrusage(RUSAGE_CHILDREN). */
function peakRssMiB(command: string[], cwd: string): number {
  const measure =
    "import resource, subprocess, sys\n" +
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n" +
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n";
  const out = spawnSync("/usr/bin/python3", ["-c", measure, ...command], { cwd, encoding: "utf8" });
  if (out.status !== 0) throw new Error(`${command.join(" ")}: ${out.stderr}`);
  return round(Number(out.stdout.trim()) / 1024, 1);
}

function toolchainMemory(work: string) {
  const tools = detectToolchain();
  const rows: { language: Language; compileMiB: number | null; runMiB: number }[] = [];
  for (const language of Object.keys(HELLO) as Language[]) {
    const code = HELLO[language];
    const plan = languagePlan(
      language,
      code,
      tools,
      { ...DEFAULT_RUN_LIMITS },
      { ...DEFAULT_COMPILE_LIMITS },
    );
    const dir = mkdtempSync(path.join(work, `${language}-`));
    writeFileSync(path.join(dir, plan.sourceFile), code);
    const compileMiB = plan.compile ? peakRssMiB(plan.compile, dir) : null;
    rows.push({ language, compileMiB, runMiB: peakRssMiB(plan.run, dir) });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------

const cell = (value: number | null | undefined) =>
  value === null || value === undefined ? "—" : String(value);

/** The levels as the Markdown table of bench/README.md. */
function markdownTable(levels: Level[]): string {
  const head = [
    "workload",
    "at once",
    "per core",
    "runs",
    "wall s",
    "runs/s",
    "per-slot efficiency",
    "start → prompt p50 / p95 ms",
    "Enter → answer p50 / p95 ms",
    "run p50 / p95 ms",
    "runner CPU ms / run",
    "machine CPU %",
    "PSS MiB / run",
    "cgroup MiB / run",
  ];
  const rows = levels.map((l) => [
    l.workload,
    l.concurrency,
    l.concurrency / CORES,
    l.runs,
    l.wallS,
    l.runsPerS,
    cell(l.efficiency),
    l.startToPromptP50Ms === undefined ? "—" : `${l.startToPromptP50Ms} / ${l.startToPromptP95Ms}`,
    l.enterToAnswerP50Ms === undefined ? "—" : `${l.enterToAnswerP50Ms} / ${l.enterToAnswerP95Ms}`,
    `${l.runWallP50Ms} / ${l.runWallP95Ms}`,
    cell(l.cpuMsPerRun),
    l.machineCpuPercent,
    l.pssPerRunMiB,
    cell(l.cgroupPerRunMiB),
  ]);
  return [head, head.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), "observer-sizing-"));
  // Before the runner starts, so that its pty host and everything below it are counted.
  const accounting = joinCpuAccounting();
  const runner = await LocalBwrapRunner.create({ sandbox: "bwrap", log: quietLog });
  try {
    const status = runner.sandboxStatus();
    if (!status.ok) throw new Error(`the sandbox is unavailable here: ${status.reason}`);
    const meters: Meters = { cpuMs: accounting?.usageMs ?? null, memoryCgroup: runnerMemoryCgroup() };
    console.log(
      `${CORES} cores, sandbox ${status.mode} (${status.limiter}), CPU per run ${meters.cpuMs ? "measured (cpuacct)" : "not measured"}, memory cgroup ${meters.memoryCgroup ?? "none"}; think ${THINK_MS} ms; load average ${loadavg()
        .map((n) => round(n))
        .join(" ")}`,
    );
    // Warm-up: the first runs pay for the page cache and the launcher pool.
    for (const workload of WORKLOADS) await runLevel(runner, meters, { ...workload, runs: CORES }, CORES);
    const levels: Level[] = [];
    for (const workload of WORKLOADS) {
      const ofWorkload: Level[] = [];
      for (const concurrency of CONCURRENCY) {
        const level = await runLevel(runner, meters, workload, concurrency);
        const base = ofWorkload[0] ?? level;
        level.efficiency = round(level.runsPerS / level.concurrency / (base.runsPerS / base.concurrency));
        ofWorkload.push(level);
        console.log(JSON.stringify(level));
      }
      levels.push(...ofWorkload);
    }
    const memory = toolchainMemory(work);
    console.log(`\n${markdownTable(levels)}\n`);
    console.log("Peak RSS of each step, hello world spawned directly (MiB):");
    for (const row of memory)
      console.log(`  ${row.language}: compile ${cell(row.compileMiB)}, run ${row.runMiB}`);
    const resultsDir = path.join(repoRoot, "bench/results");
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      path.join(resultsDir, "runner-sizing.json"),
      `${JSON.stringify({ at: new Date().toISOString(), cores: CORES, thinkMs: THINK_MS, status, levels, memory }, null, 2)}\n`,
    );
  } finally {
    await runner.dispose();
    accounting?.leave();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
