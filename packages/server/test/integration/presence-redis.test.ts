import { randomBytes, randomUUID } from "node:crypto";
import { studentDocumentName } from "@observer/protocol";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryEventBus } from "../../src/bus/event-bus.ts";
import { sessionTopic } from "../../src/bus/session-events.ts";
import { RedisPresence } from "../../src/presence/redis-presence.ts";
import { type ChannelClient, openChannel } from "../channel-client.ts";
import { openDoc } from "../collab-client.ts";
import { buildSession, buildUser, joinSession } from "../factories.ts";
import { type SpawnedServer, spawnServer, waitHealthy } from "../spawn-server.ts";
import { durableTestDatabase, retryableAssertion, startTestServer, type TestServer } from "../support.ts";

/**
 * Runs only in the integration-redis project: presence as every instance sees it, through
 * leases in Redis that their instance renews, gives up when its last connection closes, or
 * leaves to expire when it dies.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

describe("RedisPresence", () => {
  const redis = new Redis(redisUrl);
  const prefix = `observer-test-${randomBytes(4).toString("hex")}:`;
  const bus = new MemoryEventBus();
  const store = (instanceId: string, client: Redis = redis) =>
    new RedisPresence(client, bus, { prefix, instanceId, leaseMs: 600, refreshMs: 150 }, () => {});
  afterAll(() => redis.quit());

  it("announces a user online once across instances, and offline when the last lease goes or expires", async () => {
    const sessionId = randomUUID();
    const events: { userId: string; online: boolean }[] = [];
    await bus.subscribe(sessionTopic(sessionId), (m) => {
      if (m.type === "presence") events.push({ userId: m.userId, online: m.online });
    });
    const a = store("a");
    const b = store("b");
    const dyingClient = redis.duplicate();
    const dying = store("c", dyingClient);
    try {
      await a.connected(sessionId, "u1");
      await a.connected(sessionId, "u1");
      await b.connected(sessionId, "u1");
      expect(await b.onlineUsers(sessionId)).toEqual(new Set(["u1"]));
      expect(await a.isOnline(sessionId, "u2")).toBe(false);
      await a.disconnected(sessionId, "u1");
      await a.disconnected(sessionId, "u1");
      await retryableAssertion(() => expect(events).toEqual([{ userId: "u1", online: true }]));
      expect(await a.isOnline(sessionId, "u1")).toBe(true);
      await b.disconnected(sessionId, "u1");
      await retryableAssertion(() =>
        expect(events).toEqual([
          { userId: "u1", online: true },
          { userId: "u1", online: false },
        ]),
      );
      expect(await a.onlineUsers(sessionId)).toEqual(new Set());

      // An instance that stops renewing (its Redis connection gone, as when it dies): the
      // others' sweepers expire its lease and one of them announces the user offline.
      await dying.connected(sessionId, "u2");
      await retryableAssertion(() => expect(events).toContainEqual({ userId: "u2", online: true }));
      dyingClient.disconnect();
      await retryableAssertion(() => expect(events).toContainEqual({ userId: "u2", online: false }));
      expect(await a.isOnline(sessionId, "u2")).toBe(false);
      expect(events.filter((e) => e.userId === "u2")).toHaveLength(2);
    } finally {
      await a.close();
      await b.close();
      // Its timers stop; giving its leases up fails without a connection.
      await dying.close().catch(() => {});
    }
  });

  it("keeps the latest edit time per student across instances", async () => {
    const sessionId = randomUUID();
    const a = store("a");
    const b = store("b");
    try {
      a.edited(sessionId, "u1", new Date(2000));
      b.edited(sessionId, "u1", new Date(1000));
      b.edited(sessionId, "u2", new Date(3000));
      expect((await a.lastEdits(sessionId)).get("u1")).toEqual(new Date(2000));
      await retryableAssertion(async () =>
        expect(await a.lastEdits(sessionId)).toEqual(
          new Map([
            ["u1", new Date(2000)],
            ["u2", new Date(3000)],
          ]),
        ),
      );
      expect((await b.lastEdits(sessionId)).get("u1")).toEqual(new Date(2000));
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("presence across two instances", () => {
  const database = durableTestDatabase();
  let b: TestServer;
  let a: SpawnedServer | null = null;
  let urlB: string;

  /** Instance A: the real entry point as a child process, on B's database and Redis prefix. */
  const spawnA = async () => {
    const db = b.config.database;
    if (db.kind !== "postgres") throw new Error("needs PostgreSQL");
    const search = db.schema ? `?options=${encodeURIComponent(`-c search_path=${db.schema}`)}` : "";
    const server = await spawnServer({
      DATABASE_URL: db.url + search,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: b.config.redisPrefix,
      JWT_SECRET: b.config.jwtSecret,
    });
    await waitHealthy(server);
    return server;
  };

  beforeAll(async () => {
    b = await startTestServer({ database, config: { redisUrl } });
    urlB = await b.listen();
  });
  afterAll(async () => {
    await a?.stop("SIGKILL");
    await b?.close();
    await database.drop();
  });

  it("shows a student on A online to a teacher on B, and offline after their socket closes or A is killed", async () => {
    a = await spawnA();
    const teacher = await buildUser(b, { role: "teacher" });
    const session = await buildSession(b, teacher);
    const student = await buildUser(b, { name: "Elsewhere" });
    await joinSession(b, student, session.joinCode);
    const online = async () => {
      const res = await b.call("GET", `/api/sessions/${session.id}`, { token: teacher.accessToken });
      return res.json().participants.find((p: { userId: string }) => p.userId === student.id)?.online;
    };
    const teacherChannel = await openChannel(urlB, session.id, teacher.accessToken);
    await teacherChannel.next((m) => m.type === "ready");
    const seen = (value: boolean, after: number) =>
      teacherChannel.next(
        (m) =>
          m.type === "presence" &&
          m.userId === student.id &&
          m.online === value &&
          teacherChannel.messages.indexOf(m) >= after,
        15_000,
      );
    const rosterOnline = async () => {
      const channel: ChannelClient = await openChannel(urlB, session.id, teacher.accessToken);
      const ready = await channel.next((m) => m.type === "ready");
      channel.close();
      return ready.type === "ready" ? ready.roster.find((r) => r.userId === student.id)?.online : undefined;
    };
    try {
      // The student's channel on A: online on B (event, roster and API).
      let mark = teacherChannel.messages.length;
      const studentChannel = await openChannel(a.url, session.id, student.accessToken);
      await studentChannel.next((m) => m.type === "ready");
      await seen(true, mark);
      expect(await rosterOnline()).toBe(true);
      expect(await online()).toBe(true);

      // Its socket closes: offline on B.
      mark = teacherChannel.messages.length;
      let started = Date.now();
      studentChannel.close();
      await seen(false, mark);
      await retryableAssertion(async () => expect(await online()).toBe(false), 15_000);
      console.log(`presence: offline on B ${Date.now() - started} ms after the socket on A closed`);
      expect(await rosterOnline()).toBe(false);

      // The student's document on A, then A is killed: offline on B once its lease expires.
      mark = teacherChannel.messages.length;
      const doc = openDoc(a.url, {
        name: studentDocumentName(session.id, student.id),
        token: student.accessToken,
      });
      try {
        await doc.synced;
        await seen(true, mark);
        expect(await online()).toBe(true);
        mark = teacherChannel.messages.length;
        started = Date.now();
        await a.stop("SIGKILL");
        a = null;
        await seen(false, mark);
        await retryableAssertion(async () => expect(await online()).toBe(false), 15_000);
        console.log(`presence: offline on B ${Date.now() - started} ms after A was killed`);
        expect(await rosterOnline()).toBe(false);
      } finally {
        doc.destroy();
      }
    } finally {
      teacherChannel.close();
    }
    // Room for starting A as a process on a busy CI machine, and for its lease to expire.
  }, 90_000);
});
