import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const probe = path.join(repoRoot, "bench/support/probe.mjs");

export interface ProbeSample {
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Native memory held by JavaScript objects (Buffers included), outside the heap. */
  externalBytes: number;
  cpuPercent: number;
}

/** A server process under benchmark, with the probe preloaded. */
export class BenchProcess {
  private constructor(
    readonly child: ChildProcess,
    private readonly probeFile: string,
  ) {}

  static start(script: string, env: Record<string, string>, probeFile: string): BenchProcess {
    // BENCH_NODE_ARGS adds flags for profiling, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const extra = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
    const child = spawn(
      process.execPath,
      [...extra, "--expose-gc", "--import", probe, "--import", "tsx", script],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", BENCH_PROBE_FILE: probeFile, ...env },
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
    return new BenchProcess(child, probeFile);
  }

  /**
   * Ends the current measurement window and returns what the probe measured in it. The probe
   * answers from the process's event loop: a process saturated for longer than `timeoutMs`
   * fails the measurement.
   */
  async sample(timeoutMs = 5000): Promise<ProbeSample> {
    rmSync(this.probeFile, { force: true });
    this.child.kill("SIGUSR2");
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      try {
        return JSON.parse(readFileSync(this.probeFile, "utf8")) as ProbeSample;
      } catch {
        // not (completely) written yet
      }
    }
    throw new Error(`the probe did not answer within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await exited;
  }
}

/** Waits until a TCP port on loopback accepts HTTP (any status). */
export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
