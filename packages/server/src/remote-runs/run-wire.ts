import {
  LIMITS,
  languageAvailabilitySchema,
  languageSchema,
  RUN_LIMITS,
  runResultSchema,
} from "@observer/protocol";
import type { Redis } from "ioredis";
import { z } from "zod";

/**
 * What servers and runners say to each other through Redis (OBSERVER_RUNNERS=remote). One
 * BullMQ queue of runs, global and first in first out; per run, a few keys and bus topics:
 *
 * - `runs:<id>:input` (list): the program's input, in order, pushed by the instance that owns
 *   the run and drained by the runner once it runs it (so input typed while queued is kept);
 *   `runs:<id>:size` the terminal's size, `runs:<id>:kill` a Stop. The bus topic
 *   `runs:<id>:exec` wakes the runner to read them.
 * - `runs:<id>:runner`: the runner that took it (the one that may run it: a second take of the
 *   same run, after Redis lost its queue, is refused).
 * - `runs:student:<userId>`: the student's current run (one active run per student, system-wide).
 * - `runners:<name>` (with the set `runners`): each runner's heartbeat, capacity and languages.
 * - `instances:<id>`: each server instance's heartbeat (who records which runs).
 *
 * The run's output and states go on the bus topic `runs:<id>:out` (runs/run-relay.ts), with
 * their offsets, so an owner that missed some asks for a snapshot and carries on.
 */

/** The queue's name (its keys are `<prefix>bull:runs:*`). */
export const RUN_QUEUE = "runs";

/** How often runners and instances beat. */
export const HEARTBEAT_MS = 1000;
/** A runner whose heartbeat has not changed for this long is lost: its runs end as failed. */
export const RUNNER_LOST_MS = 3000;
/** An instance's heartbeat key lives this long: gone, another instance adopts its runs. */
export const INSTANCE_TTL_MS = 5000;
/** How long the per-run keys live (longer than any run). */
const RUN_KEY_TTL_S = 3600;

/** The reason a run that its runner could not finish is stored with. */
export const RUNNER_LOST = "runner lost";

export const runJobSchema = z.object({
  runId: z.uuid(),
  /** The student the run is for. */
  owner: z.uuid(),
  language: languageSchema,
  code: z.string().max(LIMITS.codeBytes),
  stdin: z.string().max(RUN_LIMITS.stdinBytes).optional(),
  cols: z.number().int().min(RUN_LIMITS.minCols).max(RUN_LIMITS.maxCols).optional(),
  rows: z.number().int().min(RUN_LIMITS.minRows).max(RUN_LIMITS.maxRows).optional(),
  /** The program's wall time (the session's limit). */
  wallTimeMs: z.number().int().positive().max(3_600_000).optional(),
  /** The instance that queued it. */
  queuedBy: z.string().max(100),
});
export type RunJob = z.infer<typeof runJobSchema>;

/** What a runner leaves in the finished job: the result and the output as it is stored. */
export const runJobResultSchema = z.object({
  result: runResultSchema,
  output: z.string(),
  outputLength: z.number().int().nonnegative(),
});
export type RunJobResult = z.infer<typeof runJobResultSchema>;

/** Input for a run's program, as the owner pushes it. */
export type RunControl = { kind: "stdin"; data: string };

/** What a runner advertises every heartbeat. */
export const runnerBeatSchema = z.object({
  name: z.string().max(200),
  /** Runs it takes at once. */
  capacity: z.number().int().nonnegative(),
  /** Runs it has now. */
  busy: z.number().int().nonnegative(),
  /** Stopping: takes nothing new, finishes what it runs. */
  draining: z.boolean(),
  /** Grows with every beat: an owner sees the runner alive while it changes. */
  beat: z.number().int().nonnegative(),
  sandbox: z.object({ ok: z.boolean(), reason: z.string().nullable() }),
  languages: z.array(languageAvailabilitySchema).max(50),
});
export type RunnerBeat = z.infer<typeof runnerBeatSchema>;

/** The Redis names of one install (its REDIS_PREFIX). */
export class RunWire {
  constructor(readonly prefix: string) {}

  /** BullMQ's key prefix. */
  get queuePrefix(): string {
    return `${this.prefix}bull`;
  }
  input(runId: string): string {
    return `${this.prefix}runs:${runId}:input`;
  }
  size(runId: string): string {
    return `${this.prefix}runs:${runId}:size`;
  }
  kill(runId: string): string {
    return `${this.prefix}runs:${runId}:kill`;
  }
  runner(runId: string): string {
    return `${this.prefix}runs:${runId}:runner`;
  }
  student(userId: string): string {
    return `${this.prefix}runs:student:${userId}`;
  }
  get runners(): string {
    return `${this.prefix}runners`;
  }
  runnerBeat(name: string): string {
    return `${this.prefix}runners:${name}`;
  }
  instance(id: string): string {
    return `${this.prefix}instances:${id}`;
  }

  /** Pushes input for a run's program (kept until its runner drains it). */
  async pushInput(redis: Redis, runId: string, data: string): Promise<void> {
    const message: RunControl = { kind: "stdin", data };
    await redis
      .multi()
      .rpush(this.input(runId), JSON.stringify(message))
      .expire(this.input(runId), RUN_KEY_TTL_S)
      .exec();
  }

  async setSize(redis: Redis, runId: string, cols: number, rows: number): Promise<void> {
    await redis.set(this.size(runId), `${cols}x${rows}`, "EX", RUN_KEY_TTL_S);
  }

  async markKilled(redis: Redis, runId: string): Promise<void> {
    await redis.set(this.kill(runId), "1", "EX", RUN_KEY_TTL_S);
  }

  /** Makes `runId` the student's current run; returns the previous one (to stop), if any. */
  async takeStudentSlot(redis: Redis, userId: string, runId: string): Promise<string | null> {
    const previous = await redis.set(this.student(userId), runId, "EX", RUN_KEY_TTL_S, "GET");
    return previous && previous !== runId ? previous : null;
  }

  /** Claims a run for a runner; false when another runner has it. */
  async claim(redis: Redis, runId: string, runner: string): Promise<boolean> {
    const set = await redis.set(this.runner(runId), runner, "EX", RUN_KEY_TTL_S, "NX");
    if (set === "OK") return true;
    return (await redis.get(this.runner(runId))) === runner;
  }

  /** Says again that a runner has a run (after Redis lost its keys). */
  async reclaim(redis: Redis, runId: string, runner: string): Promise<void> {
    await redis.set(this.runner(runId), runner, "EX", RUN_KEY_TTL_S);
  }
}

/**
 * The bus topic of a run's runner: a wake to read its input, size and kill keys, or a snapshot
 * request (only the runner answers here: the owner asks it after missing some output).
 */
export const execTopic = (runId: string) => `runs:${runId}:exec` as const;
export type ExecMessage = { kind: "wake" } | { kind: "snapshot"; reply: string };
