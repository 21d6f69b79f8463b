import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisEventBus } from "../../src/bus/event-bus.ts";
import { reconnectDelay } from "../../src/redis.ts";
import { testRedisUrl } from "../two-instances.ts";
import { until } from "../until.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The bus on the real Redis, its connections cut by Redis itself (CLIENT KILL of this test's
 * named connections only, so nothing else on the machine's Redis is touched).
 */
describe("RedisEventBus through lost connections", () => {
  const name = `observer-bus-${randomBytes(4).toString("hex")}`;
  let admin: Redis;
  let bus: RedisEventBus;
  let other: RedisEventBus;

  /** Kills this test's connections to Redis whose name is `connection`; how many were killed. */
  const kill = async (connection: string): Promise<number> => {
    const list = (await admin.client("LIST")) as string;
    const ids = list
      .split("\n")
      .filter((line) => line.includes(` name=${connection} `))
      .map((line) => /id=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => Boolean(id));
    for (const id of ids) await admin.client("KILL", "ID", id);
    return ids.length;
  };

  beforeAll(async () => {
    admin = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
    const options = { lazyConnect: true, retryStrategy: reconnectDelay, maxRetriesPerRequest: 3 };
    bus = RedisEventBus.over(
      new Redis(testRedisUrl, { ...options, connectionName: `${name}-a` }),
      `${name}:`,
    );
    other = RedisEventBus.over(
      new Redis(testRedisUrl, { ...options, connectionName: `${name}-b` }),
      `${name}:`,
    );
  });
  afterAll(async () => {
    await bus?.close();
    await other?.close();
    admin?.disconnect();
  });

  it("tells its listeners once its subscriptions hold again, and delivers what is published after", async () => {
    const received: string[] = [];
    await bus.subscribe("sessions:ended", ({ sessionId }) => received.push(sessionId));
    let resumed = 0;
    const stop = bus.onResume(() => {
      resumed += 1;
    });
    await other.publish("sessions:ended", { sessionId: "before" });
    await until(() => received.includes("before"), "the first message");
    expect(resumed).toBe(0);

    // The connections of both buses are cut.
    expect(await kill(`${name}-a`)).toBeGreaterThan(0);
    expect(await kill(`${name}-b`)).toBeGreaterThan(0);
    await until(() => resumed === 1, "the resume signal");
    await other.publish("sessions:ended", { sessionId: "after" });
    await until(() => received.includes("after"), "a message published after the resume");

    // A listener stopped is not told again (the message is sent until the subscription holds).
    stop();
    await kill(`${name}-a`);
    const deadline = Date.now() + 10_000;
    while (!received.includes("once more") && Date.now() < deadline) {
      await other.publish("sessions:ended", { sessionId: "once more" });
      await sleep(100);
    }
    expect(received).toContain("once more");
    expect(resumed).toBe(1);
  });

  it("keeps a message published while its publisher is cut off and sends it once Redis answers", async () => {
    const received: string[] = [];
    await other.subscribe("sessions:deleted", ({ sessionId }) => received.push(sessionId));
    await kill(`${name}-a`);
    // Published at once, whatever the state of the connection: the publisher's queue holds it.
    await bus.publish("sessions:deleted", { sessionId: "while reconnecting" });
    await until(() => received.includes("while reconnecting"), "the message kept through the cut");
    expect(received).toEqual(["while reconnecting"]);
  });
});
