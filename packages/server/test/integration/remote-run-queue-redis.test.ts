import { randomBytes, randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisEventBus } from "../../src/bus/event-bus.ts";
import { stoppedResult } from "../../src/exec/run-queue.ts";
import type { RunStatusEvent } from "../../src/exec/runner.ts";
import { RemoteRunQueue } from "../../src/remote-runs/remote-run-queue.ts";
import { RUN_QUEUE, type RunnerBeat, RunWire } from "../../src/remote-runs/run-wire.ts";
import { RunnerRegistry } from "../../src/remote-runs/runner-registry.ts";
import { outTopic } from "../../src/runs/run-relay.ts";
import { testRedisUrl } from "../two-instances.ts";
import { until } from "../until.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A server's queue of remote runs on the real Redis and BullMQ, with no runner process: the test
 * speaks the runner's side of the wire (its beat, its messages on the bus) at the moments it
 * picks, to pin down races a real runner only hits under load.
 */
describe("RemoteRunQueue", () => {
  const wire = new RunWire(`observer-rrq-${randomBytes(4).toString("hex")}:`);
  let redis: Redis;
  let bus: RedisEventBus;
  let registry: RunnerRegistry;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
    bus = RedisEventBus.over(redis, wire.prefix);
    const beat: RunnerBeat = {
      name: "r1",
      capacity: 4,
      busy: 0,
      draining: false,
      beat: 1,
      sandbox: { ok: true, reason: null },
      languages: [{ id: "python", label: "Python", version: "3.11.2", available: true }],
    };
    await redis.sadd(wire.runners, "r1");
    await redis.set(wire.runnerBeat("r1"), JSON.stringify(beat), "PX", 60_000);
    registry = new RunnerRegistry(redis, wire, () => {});
    await registry.start();
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
    registry.stop();
    await bus.close();
    const keys = await redis.keys(`${wire.prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("does not put a run back to 'queued' when its runner took it while the places were read", async () => {
    const runId = randomUUID();
    let lateAnswer: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      lateAnswer = resolve;
    });
    let handle: ReturnType<RemoteRunQueue["submit"]> | null = null;
    /**
     * The list of waiting runs is read while the run still waits; its answer reaches the server
     * only after the runner's "taken" and "running" did (another connection: no order between them).
     */
    class SlowQueue extends Queue {
      override async getRanges(...args: Parameters<Queue["getRanges"]>): Promise<string[]> {
        const ids = await super.getRanges(...args);
        if (ids.includes(runId) && handle?.status === "queued") {
          await bus.publish(outTopic(runId), { kind: "taken", runner: "r1" });
          await bus.publish(outTopic(runId), { kind: "status", status: "running", position: null });
          await until(() => handle?.status === "running", "the runner's 'running' applied");
          lateAnswer();
        }
        return ids;
      }
    }
    const queue = new SlowQueue(RUN_QUEUE, { connection: redis.duplicate(), prefix: wire.queuePrefix });
    closers.push(() => queue.close());
    const remote = new RemoteRunQueue({
      redis,
      queue,
      bus,
      wire,
      registry,
      instanceId: "instance-1",
      log: { warn: () => {}, error: () => {} },
    });
    closers.push(() => remote.dispose());

    const statuses: RunStatusEvent[] = [];
    handle = remote.submit(randomUUID(), { id: runId, language: "python", code: 'print("hi")' });
    handle.on("status", (event: RunStatusEvent) => statuses.push(event));
    await answered;
    // The places computed from the late answer are applied in the turns that follow it.
    await sleep(50);
    expect(handle.status).toBe("running");
    expect(statuses.map((s) => s.status)).toEqual(["running"]);

    await bus.publish(outTopic(runId), { kind: "exit", result: stoppedResult(null), length: 0 });
    const result = await handle.result;
    expect(result).toEqual(stoppedResult(null));
    expect(statuses.map((s) => s.status)).toEqual(["running"]);
  });
});
