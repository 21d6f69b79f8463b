import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNNER_LOST_MS, type RunnerBeat, RunWire } from "../../src/remote-runs/run-wire.ts";
import { RunnerRegistry } from "../../src/remote-runs/runner-registry.ts";
import { testRedisUrl } from "../two-instances.ts";

const python = { id: "python", label: "Python", version: "3.11.2", available: true } as const;
const java = { id: "java", label: "Java", version: null, available: false } as const;

/** The runners' registry on the real Redis, with its clock in the test's hands. */
describe("RunnerRegistry", () => {
  let redis: Redis;
  let wire: RunWire;
  let now = 1_000_000;
  let registry: RunnerRegistry;
  const errors: unknown[] = [];

  const beat = async (name: string, patch: Partial<RunnerBeat> = {}) => {
    const value: RunnerBeat = {
      name,
      capacity: 4,
      busy: 1,
      draining: false,
      beat: 1,
      sandbox: { ok: true, reason: null },
      languages: [python, java],
      ...patch,
    };
    await redis.sadd(wire.runners, name);
    await redis.set(wire.runnerBeat(name), JSON.stringify(value), "PX", 60_000);
  };

  beforeAll(async () => {
    redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
    wire = new RunWire(`observer-registry-${randomBytes(4).toString("hex")}:`);
    registry = new RunnerRegistry(
      redis,
      wire,
      (err) => errors.push(err),
      () => now,
    );
  });
  afterAll(async () => {
    registry.stop();
    const keys = await redis.keys(`${wire.prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("says why nothing can run while no runner beats", async () => {
    await registry.read();
    expect(registry.counts()).toEqual({ alive: 0, slots: 0, busy: 0 });
    expect(registry.sandboxStatus()).toMatchObject({
      ok: false,
      reason: expect.stringContaining("no code runner"),
    });
    expect(registry.availableLanguages()).toEqual([]);
  });

  it("counts runners alive while their beat changes, and loses one whose beat stops", async () => {
    await beat("r1", { beat: 1 });
    await beat("r2", { beat: 1, busy: 2, languages: [python, { ...java, version: "17", available: true }] });
    await registry.read();
    expect(registry.counts()).toEqual({ alive: 2, slots: 8, busy: 3 });
    expect(registry.sandboxStatus().ok).toBe(true);
    expect(registry.availableLanguages().find((l) => l.id === "java")?.available).toBe(true);
    // Redis has answered long enough for a silence to mean something.
    now += RUNNER_LOST_MS + 1;
    await beat("r2", { beat: 2, busy: 0 });
    await registry.read();
    expect(registry.isLost("r1")).toBe(true);
    expect(registry.isLost("r2")).toBe(false);
    expect(registry.counts()).toEqual({ alive: 1, slots: 4, busy: 0 });
    await beat("r1", { beat: 2 });
    await registry.read();
    expect(registry.isLost("r1")).toBe(false);
  });

  it("offers no slots of a draining runner, and says so when all drain", async () => {
    now += RUNNER_LOST_MS + 1;
    await beat("r1", { beat: 3, draining: true });
    await beat("r2", { beat: 3, draining: true });
    await registry.read();
    expect(registry.counts()).toMatchObject({ alive: 2, slots: 0 });
    expect(registry.sandboxStatus()).toMatchObject({
      ok: false,
      reason: expect.stringContaining("stopping"),
    });
  });

  it("loses no runner to a Redis outage, and tells who asked when Redis is back", async () => {
    const client = new Redis(testRedisUrl, { maxRetriesPerRequest: 0, lazyConnect: true });
    client.on("error", () => {});
    await client.connect();
    const watched = new RunnerRegistry(
      client,
      wire,
      () => {},
      () => now,
    );
    let reconnects = 0;
    watched.onReconnect(() => {
      reconnects += 1;
    });
    await beat("r1", { beat: 10 });
    await watched.read();
    now += RUNNER_LOST_MS + 1;
    await beat("r1", { beat: 11 });
    await watched.read();
    expect(watched.isLost("r1")).toBe(false);
    client.disconnect();
    await watched.read();
    // Silent for longer than the limit, but Redis was out meanwhile.
    now += RUNNER_LOST_MS * 3;
    await client.connect();
    await watched.read();
    expect(reconnects).toBe(1);
    expect(watched.isLost("r1")).toBe(false);
    expect(watched.steady()).toBe(false);
    // Once Redis has answered a while, the runner still silent is lost.
    now += RUNNER_LOST_MS + 1;
    await watched.read();
    expect(watched.isLost("r1")).toBe(true);
    client.disconnect();
  });
});
