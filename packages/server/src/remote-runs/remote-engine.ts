import { Queue } from "bullmq";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import type { EventBus } from "../bus/event-bus.ts";
import type { Config } from "../config.ts";
import { RemoteRunQueue } from "./remote-run-queue.ts";
import { RUN_QUEUE, RunWire } from "./run-wire.ts";
import { RunnerRegistry } from "./runner-registry.ts";

export interface RemoteRunsDeps {
  config: Config;
  redis: Redis;
  bus: EventBus;
  log: FastifyBaseLogger;
  instanceId: string;
}

/**
 * A server's side of remote execution (OBSERVER_RUNNERS=remote): the runners' registry, the
 * shared BullMQ queue and this instance's RemoteRunQueue, in the shape RunService uses for its
 * local engine.
 */
export async function startRemoteRuns({ config, redis, bus, log, instanceId }: RemoteRunsDeps) {
  const wire = new RunWire(config.redisPrefix);
  // Queueing and typing wait through a Redis outage instead of failing (nothing typed is lost).
  const patient = redis.duplicate({ maxRetriesPerRequest: null });
  const queue = new Queue(RUN_QUEUE, { connection: patient, prefix: wire.queuePrefix });
  queue.on("error", (err) => log.warn({ err }, "runs: queue error"));
  const registry = new RunnerRegistry(redis, wire, (err) =>
    log.warn({ err }, "runs: cannot read the runners"),
  );
  await registry.start();
  const remote = new RemoteRunQueue({ redis: patient, queue, bus, wire, registry, instanceId, log });
  const counts = registry.counts();
  if (counts.alive === 0) log.warn("Code runner: remote, and no runner is connected yet (`npm run runner`)");
  else log.info(`Code runner: remote, ${counts.alive} runner(s), ${counts.slots} slot(s)`);
  return {
    remote,
    queue: remote,
    registry,
    runner: {
      sandboxStatus: () => registry.sandboxStatus(),
      availableLanguages: () => registry.availableLanguages(),
      dispose: async () => {
        registry.stop();
        await queue.close();
        await patient.quit().catch(() => {});
      },
    },
    /** Runs waiting in the shared queue (all instances'). */
    depth: () => queue.getWaitingCount(),
  };
}
