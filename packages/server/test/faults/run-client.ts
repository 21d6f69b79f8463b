import { execFileSync } from "node:child_process";
import type { Run } from "@observer/protocol";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { RUN_QUEUE, RunWire } from "../../src/remote-runs/run-wire.ts";
import { apiCall } from "../http-client.ts";

/** Programs the cluster tests run (Python: the sandbox's /usr/bin/python3). */
export const PROGRAMS = {
  /** Reads a line, answers it, and says who it runs as (65534 in the sandbox). */
  echo: 'import os\nname = input()\nprint("got", name, "uid", os.getuid())',
  /** Prints `tick i` every half second, `n` times, then `done`. */
  ticks: (n: number) =>
    `import time\nfor i in range(${n}):\n    print("tick", i, flush=True)\n    time.sleep(0.5)\nprint("done")`,
  quick: 'print("quick")',
} as const;

/** Starts a run over HTTP on one instance; returns the run as the reply gives it. */
export async function submitRun(
  instanceUrl: string,
  token: string,
  sessionId: string,
  code: string,
  userId?: string,
): Promise<Run> {
  const res = await apiCall<{ run: Run }>(instanceUrl, "POST", `/api/sessions/${sessionId}/runs`, {
    token,
    body: { language: "python", code, ...(userId ? { userId } : {}) },
  });
  if (res.status !== 201) throw new Error(`run: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.run;
}

export async function getRun(instanceUrl: string, token: string, runId: string): Promise<Run> {
  const res = await apiCall<{ run: Run }>(instanceUrl, "GET", `/api/runs/${runId}`, { token });
  if (res.status !== 200) throw new Error(`get run: ${res.status}`);
  return res.json.run;
}

/** Polls a run until `done(run)` holds; resolves with it and Date.now() then. */
export async function waitForRun(
  instanceUrl: string,
  token: string,
  runId: string,
  done: (run: Run) => boolean,
  timeoutMs = 30_000,
): Promise<{ run: Run; at: number }> {
  const started = Date.now();
  for (;;) {
    const run = await getRun(instanceUrl, token, runId);
    if (done(run)) return { run, at: Date.now() };
    if (ended(run)) throw new Error(`run ${runId} ended without the awaited state: ${JSON.stringify(run)}`);
    if (Date.now() - started > timeoutMs)
      throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const ended = (run: Run) => run.status === "finished" || run.status === "failed";

/** Which runner took each run (the key a runner sets when it takes one). */
export async function runnersOf(
  redisUrl: string,
  prefix: string,
  runIds: string[],
): Promise<(string | null)[]> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const wire = new RunWire(prefix);
    return await redis.mget(runIds.map((id) => wire.runner(id)));
  } finally {
    redis.disconnect();
  }
}

/**
 * The order in which runners took the runs, as Redis ran it: BullMQ's events stream, whose
 * "active" entry is added by the same script that takes the job off the wait list. (The job's
 * `processedOn` is the taking worker's own clock, read before its command reached Redis: two
 * runners taking jobs at once can record them in the other order.)
 */
export async function takenOrder(redisUrl: string, prefix: string, runIds: string[]): Promise<string[]> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(RUN_QUEUE, { connection, prefix: new RunWire(prefix).queuePrefix });
  try {
    const wanted = new Set(runIds);
    const entries = await connection.xrange(queue.keys.events as string, "-", "+");
    const order = entries
      .map(([, fields]) => Object.fromEntries(fields.flatMap((f, k) => (k % 2 ? [] : [[f, fields[k + 1]]]))))
      .filter((e) => e.event === "active" && wanted.has(e.jobId as string))
      .map((e) => e.jobId as string);
    if (order.length !== runIds.length) throw new Error(`taken: ${order.length} of ${runIds.length} runs`);
    return order;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** The commands of a process's children (a server running programs itself has its pty host there). */
export function childCommands(pid: number): string[] {
  try {
    return execFileSync("ps", ["--ppid", String(pid), "-o", "args="], { encoding: "utf8" })
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    // ps exits 1 when there is no such process.
    return [];
  }
}
