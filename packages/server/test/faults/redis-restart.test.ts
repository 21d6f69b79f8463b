import type { HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { studentDocumentName } from "@observer/protocol";
import { afterAll, describe, expect, it, onTestFailed } from "vitest";
import { type DocClient, openDoc, sharedSocket } from "../collab-client.ts";
import { apiCall } from "../http-client.ts";
import { type Account, type ClusterInstance, type FaultCluster, register, startCluster } from "./cluster.ts";
import { type LiveChannel, openLiveChannel } from "./live-channel.ts";
import { type PrivateRedis, startPrivateRedis } from "./private-redis.ts";
import { openTypist, startTyping, type Typist, waitAcknowledged, waitStored } from "./typing.ts";

const STUDENTS = 10;
/** How long Redis stays down, and how long the students type before and after. */
const DOWN_MS = 2000;
const TYPE_BEFORE_MS = 1500;
const TYPE_AFTER_MS = 1500;
/**
 * How long the test waits for documents, channels and presence to resume by themselves. The
 * issue's target is 5 s: the time it took is reported (`[fault]`), not asserted — a test asserts
 * no timings; this bound only ends a test whose servers never resume.
 */
const RESUME_WITHIN_MS = 20_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Longest a request may take while Redis is down: it must be answered (an error at worst), never left hanging. */
const OUTAGE_REQUEST_TIMEOUT_MS = 10_000;

/** A request over HTTP: its status (null when it got no answer in time) and how long it took. */
async function timedRequest(
  url: string,
  init: { method: string; token?: string; body?: unknown },
): Promise<{ status: number | null; ms: number }> {
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method: init.method,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      signal: AbortSignal.timeout(OUTAGE_REQUEST_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    return { status: res.status, ms: Date.now() - started };
  } catch {
    return { status: null, ms: Date.now() - started };
  }
}

/** Polls `check` every 50 ms until it holds (resolving with Date.now() then) or `deadline` passes. */
async function holdsBy(
  check: () => boolean | Promise<boolean>,
  deadline: number,
  what: string,
): Promise<number> {
  for (;;) {
    if (await check()) return Date.now();
    if (Date.now() > deadline) throw new Error(`not resumed in time: ${what}`);
    await sleep(50);
  }
}

/**
 * Two instances behind a balancer on a private Redis (restarted, so not the machine's) and a
 * fresh database. Students type on both instances while the teacher watches each document from
 * the other instance (documents cross through Redis) and follows the session channel on B.
 * Redis is killed and started again, empty, mid-typing. Within 5 s of Redis being back: a
 * keystroke on one instance reaches the watcher on the other, a join and a hand raised on A
 * reach the channel on B, presence is right again on B; and nothing typed is lost.
 */
describe("Redis restarted while students type on two instances", () => {
  let redis: PrivateRedis | null = null;
  let cluster: FaultCluster | null = null;
  const typists: Typist[] = [];
  const docs: DocClient[] = [];
  const sockets: HocuspocusProviderWebsocket[] = [];
  const channels: LiveChannel[] = [];
  afterAll(async () => {
    for (const t of typists) t.destroy();
    for (const doc of docs) doc.destroy();
    for (const socket of sockets) socket.destroy();
    for (const channel of channels) channel.close();
    try {
      await cluster?.close();
    } finally {
      await redis?.stop();
    }
  });

  it("resumes documents, session events and presence by itself, and loses no keystroke", async () => {
    redis = await startPrivateRedis();
    cluster = await startCluster({ redisUrl: redis.url });
    const started = cluster;
    onTestFailed(() => console.log(started.outputTail()));
    const [a, b] = cluster.instances as [ClusterInstance, ClusterInstance];
    const room = await cluster.classroom(STUDENTS);
    const { session, teacher } = room;
    // Registered now, joins only after the restart: their join, hand and presence are the probes.
    const late: Account = await register(cluster.url, "student", "Late student");

    const channel = await openLiveChannel(b.url, session.id, teacher.accessToken);
    channels.push(channel);
    // Students alternate between A and B; the teacher watches each from the other instance.
    const watchFrom = [sharedSocket(a.url), sharedSocket(b.url)];
    sockets.push(...watchFrom);
    const watchers: DocClient[] = [];
    room.students.forEach((student, i) => {
      const name = studentDocumentName(session.id, student.id);
      typists.push(
        openTypist(i % 2 === 0 ? a.url : b.url, { userId: student.id, name, token: student.accessToken }),
      );
      const watcher = openDoc(i % 2 === 0 ? b.url : a.url, {
        name,
        token: teacher.accessToken,
        socket: watchFrom[(i + 1) % 2],
      });
      watchers.push(watcher);
      docs.push(watcher);
    });
    await Promise.all([...typists.map((t) => t.client.synced), ...watchers.map((w) => w.synced)]);

    // Seen on the other instance: the watcher's text is a prefix of what was typed, at least `past` long.
    const relayedPast = (past: readonly number[]) =>
      typists.every((t, i) => {
        const text = watchers[i]?.code.toString() ?? "";
        return text.length > (past[i] ?? 0) && t.typed.startsWith(text);
      });
    const typing = startTyping(typists, 50);
    await sleep(TYPE_BEFORE_MS);
    // Before the fault the relay works (else the test below would prove nothing).
    expect(relayedPast(typists.map(() => 0))).toBe(true);

    const downAt = await redis.kill();
    // While Redis is down: a signed-in request (rate limited per user through Redis) on A and
    // a login (throttled through Redis) on B are answered, not left hanging.
    const outage = sleep(300).then(() =>
      Promise.all([
        timedRequest(`${a.url}/api/sessions/${session.id}`, { method: "GET", token: teacher.accessToken }),
        timedRequest(`${b.url}/api/auth/login`, {
          method: "POST",
          body: { email: teacher.email, password: "correct horse battery" },
        }),
      ]),
    );
    await sleep(DOWN_MS);
    const upAt = await redis.start();
    const deadline = upAt + RESUME_WITHIN_MS;
    const typedAtUp = typists.map((t) => t.typed.length);

    // (a) Keystrokes typed after Redis came back reach the other instance's watcher, both ways.
    const documents = holdsBy(() => relayedPast(typedAtUp), deadline, "documents across instances");

    // (b) A join and a raised hand on A reach the teacher's channel on B.
    let httpFailures = 0;
    const onA = async (method: string, path: string, body: unknown) => {
      for (;;) {
        const reply = await apiCall(a.url, method, path, { token: late.accessToken, body }).catch(() => null);
        if (reply && reply.status < 300) return;
        httpFailures += 1;
        if (Date.now() > deadline) throw new Error(`${method} ${path} on A failed after Redis came back`);
        await sleep(100);
      }
    };
    // B may subscribe again after A published (pub/sub keeps nothing): then B's channel sends
    // the whole state again (a `ready`, on which the dashboard reloads the hands too).
    const events = (async () => {
      await onA("POST", "/api/sessions/join", { joinCode: session.joinCode });
      await channel.until(
        () =>
          channel.messages.some(
            (m) =>
              (m.type === "participant_joined" && m.participant.userId === late.id) ||
              (m.type === "ready" && m.roster.some((e) => e.userId === late.id)),
          ),
        Math.max(0, deadline - Date.now()),
        () => "the join on A did not reach the channel on B",
      );
      const beforeHand = channel.messages.length;
      await onA("POST", `/api/sessions/${session.id}/hands`, { message: "after the restart" });
      await channel.until(
        () =>
          channel.messages
            .slice(beforeHand)
            .some((m) => (m.type === "hand_update" && m.hand.userId === late.id) || m.type === "ready"),
        Math.max(0, deadline - Date.now()),
        () => "the hand raised on A did not reach the channel on B",
      );
      return Date.now();
    })();

    // (c) Presence: every typist online again for a fresh channel on B (their leases vanished
    // with Redis), and the late student's document opened on A makes them online on B's channel.
    const presence = (async () => {
      await events;
      const lateDoc = openDoc(a.url, {
        name: studentDocumentName(session.id, late.id),
        token: late.accessToken,
      });
      docs.push(lateDoc);
      await channel.until(
        () => channel.messages.some((m) => m.type === "presence" && m.userId === late.id && m.online),
        Math.max(0, deadline - Date.now()),
        () => "the late student's presence on A did not reach the channel on B",
      );
      return holdsBy(
        async () => {
          const fresh = await openLiveChannel(b.url, session.id, teacher.accessToken);
          fresh.close();
          return typists.every((t) => fresh.roster().find((e) => e.userId === t.userId)?.online === true);
        },
        deadline,
        "the roster on B shows every typing student online",
      );
    })();

    const [documentsAt, eventsAt, presenceAt] = await Promise.all([documents, events, presence]);
    const [sessionRead, login] = await outage;
    await sleep(TYPE_AFTER_MS);
    typing.stop();
    const stoppedAt = Date.now();

    await waitAcknowledged(typists, 15_000);
    const lost = await waitStored(cluster.database, session.id, typists, 20_000);
    const savedAt = Date.now();
    const lostTotal = lost.reduce((n, x) => n + x, 0);
    // And each watcher on the other instance ends with exactly what was typed.
    const unrelayed = await holdsBy(
      () => typists.every((t, i) => watchers[i]?.code.toString() === t.typed),
      Date.now() + 10_000,
      "watchers end with what was typed",
    ).then(
      () => 0,
      () => typists.filter((t, i) => watchers[i]?.code.toString() !== t.typed).length,
    );

    console.log(
      `[fault] Redis restart: running 2 instances behind a balancer, ${STUDENTS} students typing (half on each instance, a key every 50 ms), each watched from the other instance, the teacher's channel on B`,
    );
    console.log(`[fault] Redis restart: keystrokes typed: ${typing.keystrokes()}`);
    console.log(`[fault] Redis restart: keystrokes lost (stored): ${lostTotal}`);
    console.log(`[fault] Redis restart: watchers not ending with what was typed: ${unrelayed}`);
    console.log(`[fault] Redis restart: Redis down: ${upAt - downAt} ms`);
    console.log(
      `[fault] Redis restart: back -> keystroke on one instance seen on the other: ${documentsAt - upAt} ms`,
    );
    console.log(
      `[fault] Redis restart: back -> join and hand on A seen on B's channel: ${eventsAt - upAt} ms`,
    );
    console.log(`[fault] Redis restart: back -> presence right on B: ${presenceAt - upAt} ms`);
    console.log(
      `[fault] Redis restart: resume (all of documents, events, presence): ${Math.max(documentsAt, eventsAt, presenceAt) - upAt} ms`,
    );
    console.log(`[fault] Redis restart: HTTP requests on A refused after Redis came back: ${httpFailures}`);
    console.log(
      `[fault] Redis restart: while down, GET session on A: ${sessionRead.status ?? "no answer"} in ${sessionRead.ms} ms; login on B: ${login.status ?? "no answer"} in ${login.ms} ms`,
    );
    console.log(`[fault] Redis restart: typing stopped -> all stored: ${savedAt - stoppedAt} ms`);
    console.log(
      `[fault] Redis restart: whole state sent again on B's channel (resync): ${channel.readyAt.length - 1}`,
    );

    expect(lostTotal).toBe(0);
    expect(unrelayed).toBe(0);
    // Answered: served, or 503 (try again) — never left hanging, never a bug's 500.
    expect([200, 503]).toContain(sessionRead.status);
    expect([200, 503]).toContain(login.status);
    // No instance died of the outage.
    expect(cluster.instances.map((i) => (i.server ? i.server.child.exitCode : "gone"))).toEqual([null, null]);
  });
});
