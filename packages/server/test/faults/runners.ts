import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";
import { RunWire, runnerBeatSchema } from "../../src/remote-runs/run-wire.ts";
import { repoRoot } from "../spawn-server.ts";
import { killNow, killOnExit } from "./processes.ts";

/** A runner process (`npm run runner`'s entry point) of a fault cluster. */
export interface SpawnedRunner {
  name: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** SIGKILL, at once; resolves once it has exited. */
  kill(): Promise<void>;
  /** SIGTERM (a drain), SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** How long a runner may take to probe its sandbox and toolchains and beat. */
const READY_TIMEOUT_MS = 60_000;

/**
 * Starts a runner on the install's Redis and prefix and waits until its heartbeat offers slots
 * (its sandbox and languages checked).
 */
export async function spawnRunner(options: {
  redisUrl: string;
  redisPrefix: string;
  name: string;
  capacity?: number;
  env?: Record<string, string>;
}): Promise<SpawnedRunner> {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "packages/server/src/runner/main.ts"], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? "",
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: options.redisPrefix,
      OBSERVER_RUNNER_NAME: options.name,
      OBSERVER_RUNNER_CAPACITY: String(options.capacity ?? 4),
      LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  killOnExit(child);
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const runner: SpawnedRunner = {
    name: options.name,
    child,
    output: () => output,
    exited,
    kill: () => killNow(child),
    async stop(graceMs = 90_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  const wire = new RunWire(options.redisPrefix);
  try {
    const started = Date.now();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`runner ${options.name} exited: ${output}`);
      const raw = await redis.get(wire.runnerBeat(options.name));
      const beat = raw ? runnerBeatSchema.safeParse(JSON.parse(raw)) : null;
      if (beat?.success && beat.data.capacity > 0) break;
      if (beat?.success && !beat.data.sandbox.ok)
        throw new Error(`runner ${options.name}: no sandbox: ${beat.data.sandbox.reason}`);
      if (Date.now() - started > READY_TIMEOUT_MS)
        throw new Error(`runner ${options.name} not ready after ${READY_TIMEOUT_MS} ms: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await runner.kill();
    throw err;
  } finally {
    redis.disconnect();
  }
  return runner;
}

/** A figure of an instance's GET /metrics (loopback needs no token), or null when absent. */
export async function metricOf(instanceUrl: string, line: RegExp): Promise<number | null> {
  const text = await fetch(`${instanceUrl}/metrics`).then((r) => r.text());
  for (const row of text.split("\n")) {
    if (row.startsWith("#")) continue;
    const match = line.exec(row);
    if (match) return Number(row.slice(row.lastIndexOf(" ") + 1));
  }
  return null;
}

/** Waits until every instance counts `alive` runners (their registries read the beats every 500 ms). */
export async function waitForRunners(
  instanceUrls: string[],
  alive: number,
  timeoutMs = 10_000,
): Promise<void> {
  const started = Date.now();
  for (const url of instanceUrls) {
    while ((await metricOf(url, /^observer_runners_alive /)) !== alive) {
      if (Date.now() - started > timeoutMs) throw new Error(`${url} does not see ${alive} runner(s)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
