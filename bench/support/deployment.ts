import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createFaultDatabase,
  deleteKeys,
  type FaultDatabase,
} from "../../packages/server/test/faults/cluster.ts";
import { metricOf } from "../../packages/server/test/faults/runners.ts";
import { freePort } from "../../packages/server/test/spawn-server.ts";
import { accountCpu, type CpuAccount } from "./cpu-share.ts";
import { BenchProcess, waitForHttp } from "./processes.ts";

/** The machine's Redis unless BENCH_REDIS_URL says otherwise. */
export const benchRedisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

/** How long a process has after SIGTERM before SIGKILL (an instance gives itself 10 s, a runner drains). */
const STOP_GRACE_MS = 15_000;
/** A runner probes its sandbox and toolchains before it beats; an instance migrates a fresh database. */
const READY_TIMEOUT_MS = 90_000;

/**
 * Every process a bench started and has not stopped yet: stopped by `stopAll()` in the bench's
 * `finally`, and SIGKILLed if the bench process exits (or is interrupted) before that.
 */
const running = new Map<BenchProcess, "instance" | "runner">();
let hooked = false;
/** The cpuacct groups made for them, removed by `stopAll()` too. */
const accounts = new Set<CpuAccount>();

function track(p: BenchProcess, role: "instance" | "runner"): BenchProcess {
  running.set(p, role);
  p.child.once("exit", () => running.delete(p));
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const left of running.keys()) left.child.kill("SIGKILL");
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        console.error(`bench: ${signal}, stopping what it started`);
        void stopAll().finally(() => process.exit(130));
      });
    }
  }
  return p;
}

/** Stops one process: SIGTERM, SIGKILL after the grace period; resolves once it has exited. */
export async function stopProcess(p: BenchProcess, graceMs = STOP_GRACE_MS): Promise<void> {
  const child = p.child;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every process still running (runners first: they drain before the instances go). */
export async function stopAll(): Promise<void> {
  const left = [...running];
  await Promise.all(left.filter(([, role]) => role === "runner").map(([p]) => stopProcess(p)));
  await Promise.all(left.filter(([, role]) => role === "instance").map(([p]) => stopProcess(p)));
  for (const account of accounts) account.remove();
  accounts.clear();
}

/** A server instance under benchmark (its own process, with the probe). */
export interface BenchInstance {
  name: string;
  url: string;
  port: number;
  process: BenchProcess;
  /** Its process tree's CPU (cgroup v1 cpuacct), null where that cannot be measured. */
  cpu: CpuAccount | null;
}

/** A runner under benchmark (`npm run runner`'s entry point, with the probe). */
export interface BenchRunner {
  name: string;
  capacity: number;
  process: BenchProcess;
  cpu: CpuAccount | null;
}

/**
 * One phase's deployment on loopback: a fresh PostgreSQL database on the machine's server, a
 * Redis key prefix of its own on the machine's Redis, `instances` server processes and
 * `runners` runner processes. `close()` stops them, drops the database and deletes the keys,
 * also after a failure.
 */
export interface Deployment {
  database: FaultDatabase;
  redisUrl: string;
  redisPrefix: string;
  instances: BenchInstance[];
  runners: BenchRunner[];
  close(): Promise<void>;
}

export interface DeploymentOptions {
  instances: number;
  /** Runner processes; with any, the instances run with OBSERVER_RUNNERS=remote. */
  runners: number;
  /** Slots of each runner (OBSERVER_RUNNER_CAPACITY). */
  runnerCapacity?: number;
  /** Where the probes write (one file per process). */
  workDir: string;
  /** More environment for every instance. */
  env?: Record<string, string>;
}

export async function startDeployment(options: DeploymentOptions): Promise<Deployment> {
  const database = await createFaultDatabase();
  const redisPrefix = `observer-bench-${randomBytes(4).toString("hex")}:`;
  const dataRoot = mkdtempSync(path.join(tmpdir(), "observer-bench-deploy-"));
  const remote = options.runners > 0;
  // One secret for all instances: a token issued by one is accepted by the others.
  const shared: Record<string, string> = {
    DATABASE_URL: database.url,
    REDIS_URL: benchRedisUrl,
    REDIS_PREFIX: redisPrefix,
    JWT_SECRET: randomBytes(48).toString("base64url"),
    OBSERVER_SECRET_KEY: randomBytes(32).toString("base64"),
    // Every simulated user comes from 127.0.0.1: the per-address and per-student limits would
    // measure themselves instead of the server.
    OBSERVER_RATE_LIMIT_AUTH: "1000000",
    OBSERVER_RATE_LIMIT_API: "1000000",
    OBSERVER_RATE_LIMIT_RUNS: "1000000",
    ...(remote ? { OBSERVER_RUNNERS: "remote" } : {}),
    ...options.env,
  };
  const instances: BenchInstance[] = [];
  const runners: BenchRunner[] = [];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.all(runners.map((r) => stopProcess(r.process)));
    await Promise.all(instances.map((i) => stopProcess(i.process)));
    for (const p of [...instances, ...runners]) {
      p.cpu?.remove();
      if (p.cpu) accounts.delete(p.cpu);
    }
    await database.drop().catch((err: unknown) => console.error("bench: dropping the database:", err));
    await deleteKeys(benchRedisUrl, redisPrefix).catch((err: unknown) =>
      console.error("bench: deleting the Redis keys:", err),
    );
    rmSync(dataRoot, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < options.instances; i++) {
      const port = await freePort();
      const name = `instance-${String.fromCharCode(97 + i)}`;
      const dataDir = path.join(dataRoot, name);
      const child = track(
        BenchProcess.start(
          "packages/server/src/main.ts",
          {
            ...shared,
            PORT: String(port),
            HOST: "127.0.0.1",
            OBSERVER_DATA_DIR: dataDir,
            OBSERVER_WEB_DIR: path.join(dataDir, "no-web"),
          },
          path.join(options.workDir, `${name}.probe.json`),
        ),
        "instance",
      );
      const cpu = accountCpu(child.child.pid as number, `${redisPrefix.slice(15, 23)}-${name}`);
      if (cpu) accounts.add(cpu);
      instances.push({ name, port, url: `http://127.0.0.1:${port}`, process: child, cpu });
    }
    await Promise.all(instances.map((i) => waitForHttp(`${i.url}/api/health`, READY_TIMEOUT_MS)));
    for (let i = 0; i < options.runners; i++) {
      const name = `runner-${i + 1}`;
      const capacity = options.runnerCapacity ?? 2;
      const child = track(
        BenchProcess.start(
          "packages/server/src/runner/main.ts",
          {
            REDIS_URL: benchRedisUrl,
            REDIS_PREFIX: redisPrefix,
            OBSERVER_RUNNER_NAME: name,
            OBSERVER_RUNNER_CAPACITY: String(capacity),
          },
          path.join(options.workDir, `${name}.probe.json`),
        ),
        "runner",
      );
      const cpu = accountCpu(child.child.pid as number, `${redisPrefix.slice(15, 23)}-${name}`);
      if (cpu) accounts.add(cpu);
      runners.push({ name, capacity, process: child, cpu });
    }
    if (remote) await waitForRunnerSlots(instances, options.runners, READY_TIMEOUT_MS);
  } catch (err) {
    await close();
    throw err;
  }
  return { database, redisUrl: benchRedisUrl, redisPrefix, instances, runners, close };
}

/** Waits until every instance sees `alive` runners offering slots (their sandboxes checked). */
async function waitForRunnerSlots(instances: BenchInstance[], alive: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (const instance of instances) {
    for (;;) {
      const seen = await metricOf(instance.url, /^observer_runners_alive /);
      const total = await metricOf(instance.url, /^observer_runner_slots\{state="total"\}/);
      if (seen === alive && (total ?? 0) > 0) break;
      if (Date.now() > deadline)
        throw new Error(`${instance.name} sees ${seen} runner(s) and ${total} slots, not ${alive} runners`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
