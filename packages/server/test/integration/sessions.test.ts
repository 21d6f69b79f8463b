import {
  JOIN_CODE_ALPHABET,
  LIMITS,
  type Participant,
  type Session,
  sessionDetailReplySchema,
  sessionReplySchema,
  sessionsReplySchema,
} from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChannel } from "../channel-client.ts";
import { buildSession, buildUser, expectApiError, joinSession, type TestUser } from "../factories.ts";
import { startTestServer, type TestServer } from "../support.ts";

/** Coding sessions (contract: Sessions, Session settings): create, join by code, list, view, change, end. */

const JOIN_CODE = new RegExp(`^[${JOIN_CODE_ALPHABET}]{${LIMITS.joinCodeChars},}$`);

describe("sessions (contract: Sessions)", () => {
  let server: TestServer;
  let teacher: TestUser;
  beforeAll(async () => {
    server = await startTestServer();
    teacher = await buildUser(server, { role: "teacher", name: "Grace" });
  });
  afterAll(() => server.close());

  const end = (user: TestUser, id: string) =>
    server.call("POST", `/api/sessions/${id}/end`, { token: user.accessToken });
  const get = (user: TestUser, id: string) =>
    server.call("GET", `/api/sessions/${id}`, { token: user.accessToken });
  const list = async (user: TestUser): Promise<Session[]> => {
    const res = await server.call("GET", "/api/sessions", { token: user.accessToken });
    expect(res.statusCode).toBe(200);
    return sessionsReplySchema.parse(res.json()).sessions;
  };

  it("create: 201 {session:{id,name,joinCode,language,status:'active',...}} with the teacher and no participants", async () => {
    const res = await server.call("POST", "/api/sessions", {
      token: teacher.accessToken,
      body: { name: "  Recursion  ", language: "java", starterCode: "class Main {}\n" },
    });
    expect(res.statusCode).toBe(201);
    const { session } = sessionReplySchema.parse(res.json());
    expect(session).toMatchObject({
      name: "Recursion",
      language: "java",
      starterCode: "class Main {}\n",
      status: "active",
      teacherId: teacher.id,
      teacherName: "Grace",
      endedAt: null,
      participantCount: 0,
    });
    expect(session.joinCode).toMatch(JOIN_CODE);
    expect(Math.abs(Date.parse(session.createdAt) - Date.now())).toBeLessThan(60_000);
    // Without starter code, the session starts empty.
    const bare = await buildSession(server, teacher, { language: "c" });
    expect(bare.starterCode).toBe("");
  });

  it("every language of the contract can be used", async () => {
    for (const language of ["python", "javascript", "c", "cpp", "java"] as const) {
      expect((await buildSession(server, teacher, { language })).language).toBe(language);
    }
  });

  it("join codes: 200 sessions get codes of 6+ characters from the unambiguous alphabet, all different", async () => {
    const codeTeacher = await buildUser(server, { role: "teacher" });
    const sessions: Session[] = [];
    for (let batch = 0; batch < 10; batch++) {
      sessions.push(
        ...(await Promise.all(Array.from({ length: 20 }, () => buildSession(server, codeTeacher)))),
      );
    }
    const codes = sessions.map((s) => s.joinCode);
    for (const code of codes) expect(code).toMatch(JOIN_CODE);
    expect(codes.join("")).not.toMatch(/[01OIL]/);
    expect(new Set(codes).size).toBe(200);
    // And unique among every active session of the install, not just this teacher's.
    const active = await server.ctx.db
      .selectFrom("sessions")
      .select("join_code")
      .where("status", "=", "active")
      .execute();
    expect(new Set(active.map((r) => r.join_code)).size).toBe(active.length);
  });

  it("join accepts the code in lower case and with surrounding spaces (200, the same session)", async () => {
    const session = await buildSession(server, teacher);
    const student = await buildUser(server);
    const res = await joinSession(server, student, `  ${session.joinCode.toLowerCase()}  `);
    expect(res.statusCode).toBe(200);
    expect(sessionReplySchema.parse(res.json()).session).toMatchObject({
      id: session.id,
      participantCount: 1,
    });
    const other = await buildUser(server);
    const mixed = await joinSession(
      server,
      other,
      `\t${session.joinCode.slice(0, 3).toLowerCase()}${session.joinCode.slice(3)}\n`,
    );
    expect(mixed.statusCode).toBe(200);
    expect(mixed.json().session.id).toBe(session.id);
  });

  it("join is idempotent: joining twice leaves one participant", async () => {
    const session = await buildSession(server, teacher);
    const student = await buildUser(server, { name: "Twice" });
    const first = await joinSession(server, student, session.joinCode);
    const second = await joinSession(server, student, session.joinCode);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(second.json().session.participantCount).toBe(1);
    const detail = sessionDetailReplySchema.parse((await get(teacher, session.id)).json());
    expect(detail.participants?.map((p) => p.userId)).toEqual([student.id]);
  });

  it("join with an unknown code -> 404 session_not_found", async () => {
    const student = await buildUser(server);
    // 0, O, 1, I and L are not in the alphabet, so no session can have this code.
    expectApiError(await joinSession(server, student, "0O1IL0"), 404, "session_not_found");
    expect(await list(student)).toEqual([]);
  });

  it("a new joiner of an ended session -> 410 session_ended, and is not added", async () => {
    const session = await buildSession(server, teacher);
    expect((await end(teacher, session.id)).statusCode).toBe(200);
    const late = await buildUser(server);
    expectApiError(await joinSession(server, late, session.joinCode), 410, "session_ended");
    expect(await list(late)).toEqual([]);
    expect((await get(teacher, session.id)).json().participants).toEqual([]);
  });

  it("end: 200 with status 'ended' and endedAt; ending again is idempotent (same endedAt)", async () => {
    const session = await buildSession(server, teacher);
    const res = await end(teacher, session.id);
    expect(res.statusCode).toBe(200);
    const ended = sessionReplySchema.parse(res.json()).session;
    expect(ended).toMatchObject({ id: session.id, status: "ended", joinCode: session.joinCode });
    expect(ended.endedAt).not.toBeNull();
    expect(Date.parse(ended.endedAt as string)).toBeGreaterThanOrEqual(Date.parse(session.createdAt));
    const again = await end(teacher, session.id);
    expect(again.statusCode).toBe(200);
    expect(again.json().session).toEqual(ended);
    expect((await get(teacher, session.id)).json().session).toMatchObject({
      status: "ended",
      endedAt: ended.endedAt,
    });
  });

  it("GET /api/sessions: the teacher's own, active before ended, newest first; nobody else's", async () => {
    const own = await buildUser(server, { role: "teacher" });
    const someoneElse = await buildUser(server, { role: "teacher" });
    const a = await buildSession(server, own, { name: "A (ended)" });
    const b = await buildSession(server, own, { name: "B" });
    const c = await buildSession(server, own, { name: "C" });
    const d = await buildSession(server, own, { name: "D (ended)" });
    await buildSession(server, someoneElse, { name: "Not yours" });
    expect((await end(own, a.id)).statusCode).toBe(200);
    expect((await end(own, d.id)).statusCode).toBe(200);
    expect((await list(own)).map((s) => s.id)).toEqual([c.id, b.id, d.id, a.id]);
  });

  it("GET /api/sessions: the student's joined sessions only, ended ones included", async () => {
    const student = await buildUser(server);
    const joined = await buildSession(server, teacher, { name: "Joined" });
    const endedLater = await buildSession(server, teacher, { name: "Joined, then ended" });
    await buildSession(server, teacher, { name: "Never joined" });
    expect((await joinSession(server, student, joined.joinCode)).statusCode).toBe(200);
    expect((await joinSession(server, student, endedLater.joinCode)).statusCode).toBe(200);
    expect((await end(teacher, endedLater.id)).statusCode).toBe(200);
    const sessions = await list(student);
    expect(sessions.map((s) => [s.name, s.status])).toEqual([
      ["Joined", "active"],
      ["Joined, then ended", "ended"],
    ]);
  });

  it("GET /api/sessions/:id: the teacher gets participants [{userId,name,online,...}]; a member gets the session only", async () => {
    const session = await buildSession(server, teacher);
    const ann = await buildUser(server, { name: "Ann" });
    const bob = await buildUser(server, { name: "Bob" });
    for (const s of [bob, ann]) expect((await joinSession(server, s, session.joinCode)).statusCode).toBe(200);

    const asTeacher = await get(teacher, session.id);
    expect(asTeacher.statusCode).toBe(200);
    const detail = sessionDetailReplySchema.parse(asTeacher.json());
    expect(detail.session).toMatchObject({ id: session.id, participantCount: 2 });
    const participants = detail.participants as Participant[];
    expect(participants.map((p) => ({ userId: p.userId, name: p.name, online: p.online }))).toEqual(
      expect.arrayContaining([
        { userId: ann.id, name: "Ann", online: false },
        { userId: bob.id, name: "Bob", online: false },
      ]),
    );
    expect(participants).toHaveLength(2);

    const asMember = await get(ann, session.id);
    expect(asMember.statusCode).toBe(200);
    expect(asMember.json().session.id).toBe(session.id);
    expect(asMember.json()).not.toHaveProperty("participants");
  });

  const patch = (user: TestUser, id: string, body: unknown) =>
    server.call("PATCH", `/api/sessions/${id}`, { token: user.accessToken, body });

  it("change: PATCH {name, starterCode, runTimeLimitSeconds} -> 200 {session} with them; GET and members' channels see it", async () => {
    const session = await buildSession(server, teacher, { name: "Loops", starterCode: "print(1)\n" });
    const student = await buildUser(server, { name: "Ada" });
    await joinSession(server, student, session.joinCode);
    const url = await server.listen();
    const channel = await openChannel(url, session.id, student.accessToken);
    await channel.next((m) => m.type === "ready");

    const res = await patch(teacher, session.id, {
      name: "  Loops, period 4 ",
      starterCode: "for i in range(3):\n    print(i)\n",
      runTimeLimitSeconds: 60,
    });
    expect(res.statusCode, res.body).toBe(200);
    const changed = sessionReplySchema.parse(res.json()).session;
    expect(changed).toEqual({
      ...session,
      name: "Loops, period 4",
      starterCode: "for i in range(3):\n    print(i)\n",
      runTimeLimitSeconds: 60,
      participantCount: 1,
    });
    expect((await get(teacher, session.id)).json().session).toEqual(changed);
    expect((await get(student, session.id)).json().session).toEqual(changed);
    expect(await channel.next((m) => m.type === "session_updated")).toEqual({
      type: "session_updated",
      session: changed,
    });
    channel.close();

    // One field alone changes only that field.
    const renamed = await patch(teacher, session.id, { name: "Recursion" });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().session).toEqual({ ...changed, name: "Recursion" });
  });

  it("change: the next run of the session is limited by the new time per run", async () => {
    const session = await buildSession(server, teacher, { runTimeLimitSeconds: 30 });
    expect((await patch(teacher, session.id, { runTimeLimitSeconds: 120 })).statusCode).toBe(200);
    const row = await server.ctx.db
      .selectFrom("sessions")
      .select("run_time_limit_seconds")
      .where("id", "=", session.id)
      .executeTakeFirstOrThrow();
    expect(row.run_time_limit_seconds).toBe(120);
  });

  it("change: an empty body, unknown fields, bad values -> 422 validation_failed, nothing changed", async () => {
    const session = await buildSession(server, teacher, { name: "Kept" });
    const bodies: unknown[] = [
      {},
      { editing: "closed" },
      { name: "Ok", ai: "maybe" },
      { name: "Ok", isAdmin: true },
      { language: "java" },
      { name: "   " },
      { name: "x".repeat(LIMITS.sessionNameChars + 1) },
      { starterCode: "x".repeat(LIMITS.codeBytes + 1) },
      { starterCode: "a\u0000b" },
      { runTimeLimitSeconds: 0 },
      { runTimeLimitSeconds: LIMITS.maxRunTimeLimitSeconds + 1 },
      { runTimeLimitSeconds: 1.5 },
      { name: 42 },
    ];
    for (const body of bodies)
      expectApiError(await patch(teacher, session.id, body), 422, "validation_failed");
    expect((await get(teacher, session.id)).json().session).toEqual({ ...session });
  });

  it("change: its teacher or an admin only (member student 403, others 404); an ended session 410", async () => {
    const session = await buildSession(server, teacher, { name: "Mine" });
    const member = await buildUser(server);
    await joinSession(server, member, session.joinCode);
    const stranger = await buildUser(server);
    const otherTeacher = await buildUser(server, { role: "teacher" });
    const admin = server.admin;
    if (!admin) throw new Error("no admin");
    expectApiError(await patch(member, session.id, { name: "Taken" }), 403, "forbidden");
    expectApiError(await patch(stranger, session.id, { name: "Taken" }), 404, "not_found");
    expectApiError(await patch(otherTeacher, session.id, { name: "Taken" }), 404, "not_found");
    expect((await get(teacher, session.id)).json().session.name).toBe("Mine");
    const byAdmin = await patch(admin, session.id, { name: "Renamed by the admin" });
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json().session.name).toBe("Renamed by the admin");

    expect((await end(teacher, session.id)).statusCode).toBe(200);
    expectApiError(await patch(teacher, session.id, { name: "Too late" }), 410, "session_ended");
    expect((await get(teacher, session.id)).json().session.name).toBe("Renamed by the admin");
  });

  it("40 students join the same session at once: all 200, 40 participants", async () => {
    const session = await buildSession(server, teacher, { name: "Big class" });
    const students = await Promise.all(
      Array.from({ length: 40 }, (_, i) => buildUser(server, { name: `Student ${i}` })),
    );
    const replies = await Promise.all(students.map((s) => joinSession(server, s, session.joinCode)));
    expect(replies.map((r) => r.statusCode)).toEqual(students.map(() => 200));
    const detail = sessionDetailReplySchema.parse((await get(teacher, session.id)).json());
    expect(detail.session.participantCount).toBe(40);
    expect(new Set(detail.participants?.map((p) => p.userId))).toEqual(new Set(students.map((s) => s.id)));
  });
});
