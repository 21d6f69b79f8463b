import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import type { EventBus } from "../bus/event-bus.ts";
import { publishSessionEvent } from "../bus/session-events.ts";
import { HEARTBEAT_MS, INSTANCE_TTL_MS, RUNNER_LOST, type RunWire } from "../remote-runs/run-wire.ts";
import type { Db } from "../storage/database.ts";
import {
  adoptRuns,
  findRun,
  finishRun,
  instancesWithUnfinishedRuns,
  markInterruptedRuns,
} from "../storage/runs.ts";
import { outcomeColumns } from "./run-outcome.ts";
import { STORED_OUTPUT_BYTES, storableOutput } from "./run-output.ts";
import type { RunService } from "./run-service.ts";
import { summarizeRunRow } from "./run-summary.ts";

/** How often the unfinished runs' instances are checked. */
const SWEEP_EVERY_MS = 2 * HEARTBEAT_MS;
/**
 * How long an instance's beat must stay missing (after its key expired) before its runs are
 * taken over: a Redis restart empties every key, and the instances beat again within a second
 * or two of it, so a single missing beat is no death.
 */
const CONFIRM_DEAD_MS = 3 * HEARTBEAT_MS;

export interface RunAdoptionDeps {
  db: Db;
  redis: Redis;
  bus: EventBus;
  wire: RunWire;
  runs: RunService;
  instanceId: string;
  /** Runs execute on runners (they go on when an instance dies) rather than on the instances. */
  remote: boolean;
  log: FastifyBaseLogger;
}

/**
 * Several instances (with Redis): each beats in Redis, and the runs a dead instance recorded
 * are taken over by one of the others — followed to their end when a runner still runs them
 * (OBSERVER_RUNNERS=remote), else ended as failed ("server lost") — so nothing stays
 * "running". An instance counts as dead once its beat key has expired (INSTANCE_TTL_MS) and
 * stayed missing for CONFIRM_DEAD_MS (a Redis restart empties every key for a moment).
 */
export class RunAdoption {
  private beatTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  /** When each instance was first seen without a beat. */
  private readonly missingSince = new Map<string, number>();

  constructor(private readonly deps: RunAdoptionDeps) {}

  start(): void {
    void this.beat();
    this.beatTimer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((err: unknown) => this.deps.log.warn({ err }, "runs: cannot check other instances' runs"))
        .finally(() => {
          this.sweeping = null;
        });
    }, SWEEP_EVERY_MS);
    this.beatTimer.unref();
    this.sweepTimer.unref();
  }

  /** Stops beating and says so at once: the others take over this instance's runs. */
  async stop(): Promise<void> {
    if (this.beatTimer) clearInterval(this.beatTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.sweeping;
    await this.deps.redis.del(this.deps.wire.instance(this.deps.instanceId)).catch(() => {});
  }

  private async beat(): Promise<void> {
    const { redis, wire, instanceId } = this.deps;
    await redis.set(wire.instance(instanceId), String(Date.now()), "PX", INSTANCE_TTL_MS).catch(() => {});
  }

  /** Finds the instances with unfinished runs that stopped beating, and takes their runs over. */
  async sweep(): Promise<void> {
    const { db, redis, wire, instanceId } = this.deps;
    const others = (await instancesWithUnfinishedRuns(db)).filter((id) => id !== instanceId);
    if (others.length === 0) return;
    const beats = await redis.mget(others.map((id) => wire.instance(id)));
    const now = Date.now();
    for (const [i, id] of others.entries()) {
      if (beats[i]) {
        this.missingSince.delete(id);
        continue;
      }
      const since = this.missingSince.get(id) ?? now;
      this.missingSince.set(id, since);
      if (now - since < CONFIRM_DEAD_MS) continue;
      this.missingSince.delete(id);
      await this.takeOver(id);
    }
  }

  private async takeOver(deadInstance: string): Promise<void> {
    const { db, runs, instanceId, remote, log } = this.deps;
    const rows = await adoptRuns(db, deadInstance, instanceId);
    if (rows.length === 0) return;
    log.warn(
      { instance: deadInstance, runs: rows.length },
      "runs: taking over the runs of an instance that stopped",
    );
    const lost: string[] = [];
    for (const row of rows) {
      if (!remote) {
        lost.push(row.id);
        continue;
      }
      const session = await db
        .selectFrom("sessions")
        .select("teacher_id")
        .where("id", "=", row.session_id)
        .executeTakeFirst();
      const outcome = session
        ? await runs.adopt(row, session.teacher_id).catch((err: unknown) => {
            log.error({ err, runId: row.id }, "runs: cannot take over a run");
            return null;
          })
        : null;
      if (outcome === "following") continue;
      if (outcome) {
        // It ended while no instance followed it: recorded from what its runner left in the queue.
        const output = storableOutput(outcome.output, STORED_OUTPUT_BYTES);
        const columns = outcomeColumns(outcome.result);
        columns.output_truncated ||= output.cut || outcome.outputLength > outcome.output.length;
        await finishRun(db, row.id, columns, output.text, outcome.result.failure ?? null);
        await this.announce(row.id, row.session_id);
      } else lost.push(row.id);
    }
    if (lost.length > 0) {
      await markInterruptedRuns(db, {
        runIds: lost,
        reason: remote ? RUNNER_LOST : "server lost",
        notice: remote
          ? "The machine running this program stopped answering: the run ended."
          : "The server running this program stopped: the run ended.",
      });
      for (const row of rows) if (lost.includes(row.id)) await this.announce(row.id, row.session_id);
    }
  }

  /** The run's row as the session channel shows it (the dashboards stop showing it running). */
  private async announce(runId: string, sessionId: string): Promise<void> {
    const row = await findRun(this.deps.db, runId);
    if (row)
      await publishSessionEvent(this.deps.bus, sessionId, { type: "run_update", run: summarizeRunRow(row) });
  }
}
