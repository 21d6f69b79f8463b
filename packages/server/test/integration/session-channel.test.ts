import { CLOSE_CODES, studentDocumentName } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { sessionTopic } from "../../src/bus/session-events.ts";
import { openChannel } from "../channel-client.ts";
import { openDoc } from "../collab-client.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

describe("session channel", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher", name: "Teach" });
  });
  afterAll(() => server.close());

  it("gives the teacher the roster, then joins, presence and edits live, without polling", async () => {
    const session = await buildSession(server, teacher);
    const early = await buildUser(server, { name: "Early" });
    await joinSession(server, early, session.joinCode);
    const channel = await openChannel(url, session.id, teacher.accessToken);
    const ready = await channel.next((m) => m.type === "ready");
    expect(ready).toMatchObject({
      type: "ready",
      role: "teacher",
      roster: [
        { userId: early.id, name: "Early", online: false, lastEditAt: null, lastRun: null, failedInARow: 0 },
      ],
    });

    const late = await buildUser(server, { name: "Late" });
    await joinSession(server, late, session.joinCode);
    const joined = await channel.next((m) => m.type === "participant_joined");
    expect(joined).toMatchObject({ participant: { userId: late.id, name: "Late", online: false } });

    const doc = openDoc(url, { name: studentDocumentName(session.id, late.id), token: late.accessToken });
    await doc.synced;
    await channel.next((m) => m.type === "presence" && m.userId === late.id && m.online);
    const participants = await server.call("GET", `/api/sessions/${session.id}`, {
      token: teacher.accessToken,
    });
    expect(participants.json().participants).toContainEqual(
      expect.objectContaining({ userId: late.id, online: true }),
    );

    doc.code.insert(0, "print(1)\n");
    const edited = await channel.next((m) => m.type === "edited" && m.userId === late.id);
    expect(Date.parse((edited as { at: string }).at)).toBeGreaterThan(Date.now() - 10_000);

    doc.destroy();
    await channel.next((m) => m.type === "presence" && m.userId === late.id && !m.online);
    channel.close();
  });

  it("counts a student's open channel as online, and tells students when the session ends", async () => {
    const session = await buildSession(server, teacher);
    const student = await buildUser(server, { name: "Watcher" });
    await joinSession(server, student, session.joinCode);
    const teacherChannel = await openChannel(url, session.id, teacher.accessToken);
    await teacherChannel.next((m) => m.type === "ready");
    const studentChannel = await openChannel(url, session.id, student.accessToken);
    // A student's roster is their own entry only.
    expect(await studentChannel.next((m) => m.type === "ready")).toEqual({
      type: "ready",
      role: "student",
      roster: [expect.objectContaining({ userId: student.id, name: "Watcher", lastRun: null })],
    });
    await teacherChannel.next((m) => m.type === "presence" && m.userId === student.id && m.online);

    await server.call("POST", `/api/sessions/${session.id}/end`, { token: teacher.accessToken });
    await studentChannel.next((m) => m.type === "session_ended");
    studentChannel.close();
    await teacherChannel.next((m) => m.type === "presence" && m.userId === student.id && !m.online);
    // Students never receive the roster's events about others.
    expect(studentChannel.messages.map((m) => m.type)).toEqual(["ready", "session_ended"]);
    teacherChannel.close();
  });

  it("keeps a student online while any of their tabs is connected", async () => {
    const session = await buildSession(server, teacher);
    const student = await buildUser(server);
    await joinSession(server, student, session.joinCode);
    const tabA = await openChannel(url, session.id, student.accessToken);
    const tabB = await openChannel(url, session.id, student.accessToken);
    await Promise.all([tabA.next((m) => m.type === "ready"), tabB.next((m) => m.type === "ready")]);
    tabA.close();
    await tabA.closed;
    const online = async () =>
      (await server.call("GET", `/api/sessions/${session.id}`, { token: teacher.accessToken })).json()
        .participants[0].online;
    expect(await online()).toBe(true);
    tabB.close();
    await retryableAssertion(async () => expect(await online()).toBe(false));
  });

  it("takes one auth message per socket: 19 leave one subscription, and a closed socket leaves the student offline", async () => {
    const session = await buildSession(server, teacher);
    const student = await buildUser(server, { name: "Repeater" });
    await joinSession(server, student, session.joinCode);
    const topic = sessionTopic(session.id);
    const auth = JSON.stringify({ type: "auth", token: student.accessToken });
    const channelUrl = `${url.replace(/^http/, "ws")}/api/sessions/${session.id}/channel`;
    const open = async () => {
      const ws = new WebSocket(channelUrl);
      const messages: { type: string }[] = [];
      ws.on("message", (data) => messages.push(JSON.parse(data.toString())));
      const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
      await new Promise((r) => ws.once("open", r));
      return { ws, messages, closed };
    };

    const onlineAsTheTeacherSees = async () => {
      const view = await server.call("GET", `/api/sessions/${session.id}`, { token: teacher.accessToken });
      return view.json().participants.find((p: { userId: string }) => p.userId === student.id)?.online;
    };

    // 19 at once, while the first is still being checked: one is taken, the socket refused.
    const burst = await open();
    for (let i = 0; i < 19; i++) burst.ws.send(auth);
    const code = await Promise.race([
      burst.closed,
      retryableAssertion(() => expect(burst.messages.map((m) => m.type)).toContain("ready")).then(() => 0),
    ]);
    burst.ws.close();
    await burst.closed;
    // A closed socket never leaves the student online.
    await retryableAssertion(async () => expect(await onlineAsTheTeacherSees()).toBe(false));
    expect(server.ctx.bus.subscriberCount(topic)).toBe(0);
    expect(code).toBe(CLOSE_CODES.malformed);
    expect(burst.messages.filter((m) => m.type === "ready").length).toBeLessThanOrEqual(1);

    // Authenticated (ready: one subscription, online), then 18 more auth messages: refused.
    const first = await open();
    first.ws.send(auth);
    await retryableAssertion(() => expect(first.messages.map((m) => m.type)).toContain("ready"));
    expect(server.ctx.bus.subscriberCount(topic)).toBe(1);
    expect(await onlineAsTheTeacherSees()).toBe(true);
    for (let i = 0; i < 18; i++) first.ws.send(auth);
    expect(await first.closed).toBe(CLOSE_CODES.malformed);
    expect(first.messages.filter((m) => m.type === "ready")).toHaveLength(1);
    await retryableAssertion(async () => expect(await onlineAsTheTeacherSees()).toBe(false));
    expect(server.ctx.bus.subscriberCount(topic)).toBe(0);
  });

  it("refuses a bad token with 4401, a non-member with 4403, and a silent client after the auth timeout", async () => {
    const session = await buildSession(server, teacher);
    const outsider = await buildUser(server);
    const bad = await openChannel(url, session.id, "garbage");
    expect(await bad.closed).toBe(CLOSE_CODES.unauthorized);
    const stranger = await openChannel(url, session.id, outsider.accessToken);
    expect(await stranger.closed).toBe(CLOSE_CODES.forbidden);
    const otherTeacher = await buildUser(server, { role: "teacher" });
    const nosy = await openChannel(url, session.id, otherTeacher.accessToken);
    expect(await nosy.closed).toBe(CLOSE_CODES.forbidden);
    const wrongFirst = new WebSocket(`${url.replace("http", "ws")}/api/sessions/${session.id}/channel`);
    await new Promise((r) => wrongFirst.once("open", r));
    wrongFirst.send(JSON.stringify({ type: "ping" }));
    expect(await new Promise((r) => wrongFirst.once("close", (code) => r(code)))).toBe(
      CLOSE_CODES.unauthorized,
    );
  });

  it("checks every message after the auth message: pings and pongs are taken, an unknown one closes with 4400", async () => {
    const session = await buildSession(server, teacher);
    const channel = await openChannel(url, session.id, teacher.accessToken);
    await channel.next((m) => m.type === "ready");
    channel.send({ type: "pong" });
    channel.send({ type: "ping" });
    // Still open: the roster's events keep coming.
    const student = await buildUser(server, { name: "Later" });
    await joinSession(server, student, session.joinCode);
    await channel.next((m) => m.type === "participant_joined" && m.participant.userId === student.id);
    channel.send({ type: "raise_hand" });
    expect(await channel.closed).toBe(CLOSE_CODES.malformed);

    // Also while the auth message is still being checked.
    const hasty = await openChannel(url, session.id, teacher.accessToken);
    hasty.send({ type: "pong", extra: [1] });
    hasty.send({ nothing: "typed" });
    expect(await hasty.closed).toBe(CLOSE_CODES.malformed);
  });

  it("answers unknown WebSocket paths with 404", async () => {
    const ws = new WebSocket(`${url.replace("http", "ws")}/api/nowhere`);
    const status = await new Promise<number>((resolve) =>
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(404);
  });
});
