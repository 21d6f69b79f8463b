import {
  type ChannelServerMessage,
  editingLockedNoticeSchema,
  type Session,
  sessionReplySchema,
  studentDocumentName,
} from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChannel } from "../channel-client.ts";
import { openDoc, openWatched, typedAndAnswered as typed, type WatchedDoc } from "../collab-client.ts";
import { buildSession, buildUser, expectApiError, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

/**
 * The class controls (`PATCH /api/sessions/:id` editing, running, languageLocked, broadcast,
 * ai): stored and returned, heard live by every member, and enforced by the server: a locked
 * student's changes dropped through real Hocuspocus providers, runs refused with their codes.
 */
describe("class controls", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher", name: "Teacher" });
  });
  afterAll(() => server?.close());

  const patch = (user: TestUser, id: string, body: unknown) =>
    server.call("PATCH", `/api/sessions/${id}`, { token: user.accessToken, body });
  const changed = async (id: string, body: Record<string, unknown>): Promise<Session> => {
    const res = await patch(teacher, id, body);
    expect(res.statusCode, res.body).toBe(200);
    return sessionReplySchema.parse(res.json()).session;
  };
  const startRun = (user: TestUser, sessionId: string, body: Record<string, unknown>) =>
    server.call("POST", `/api/sessions/${sessionId}/runs`, { token: user.accessToken, body });

  /** A session with one joined student. */
  async function classWithStudent(overrides: { starterCode?: string } = {}) {
    const session = await buildSession(server, teacher, { name: "Controls", ...overrides });
    const student = await buildUser(server, { name: "Ada" });
    await joinSession(server, student, session.joinCode);
    return { session, student, name: studentDocumentName(session.id, student.id) };
  }

  /** The code the server holds now, as a fresh reader (the teacher) opens it. */
  async function serverCode(name: string): Promise<string> {
    const reader = openDoc(url, { name, token: teacher.accessToken });
    try {
      await reader.synced;
      return reader.code.toString();
    } finally {
      reader.destroy();
    }
  }

  const open = (name: string, user: TestUser) => openWatched(url, name, user.accessToken);

  it("a new session has the defaults: editing open, running allowed, language not locked, broadcast and ai off", async () => {
    const { session, student } = await classWithStudent();
    const expected = {
      editing: "open",
      running: "allowed",
      languageLocked: false,
      broadcast: "off",
      ai: "off",
    };
    expect(session).toMatchObject(expected);
    const seen = await server.call("GET", `/api/sessions/${session.id}`, { token: student.accessToken });
    expect(seen.json().session).toMatchObject(expected);
  });

  it("PATCH of each control alone, then all at once -> 200 with it (and nothing else changed); GET and every member's channel see it", async () => {
    const { session, student } = await classWithStudent();
    const channel = await openChannel(url, session.id, student.accessToken);
    const teacherChannel = await openChannel(url, session.id, teacher.accessToken);
    try {
      await channel.next((m) => m.type === "ready");
      await teacherChannel.next((m) => m.type === "ready");
      let current: Session = { ...session, participantCount: 1 };
      const steps: Record<string, unknown>[] = [
        { editing: "locked" },
        { running: "denied" },
        { languageLocked: true },
        { broadcast: "on" },
        { ai: "hints" },
        { ai: "full" },
        {
          editing: "open",
          running: "allowed",
          languageLocked: false,
          broadcast: "off",
          ai: "off",
          name: "Again",
        },
      ];
      for (const body of steps) {
        const next = await changed(session.id, body);
        expect(next).toEqual({ ...current, ...body });
        current = next;
        const sameSession = (m: ChannelServerMessage) =>
          m.type === "session_updated" && JSON.stringify(m.session) === JSON.stringify(next);
        expect(await channel.next(sameSession)).toEqual({
          type: "session_updated",
          session: next,
        });
        expect(await teacherChannel.next(sameSession)).toEqual({
          type: "session_updated",
          session: next,
        });
        const read = await server.call("GET", `/api/sessions/${session.id}`, { token: student.accessToken });
        expect(read.json().session).toEqual(next);
      }
    } finally {
      channel.close();
      teacherChannel.close();
    }
  });

  it("changing a control: a member student 403, another teacher or a stranger 404, an admin 200; an ended session 410", async () => {
    const { session, student } = await classWithStudent();
    const otherTeacher = await buildUser(server, { role: "teacher" });
    const stranger = await buildUser(server);
    const admin = server.admin;
    if (!admin) throw new Error("no admin");
    for (const body of [
      { editing: "locked" },
      { running: "denied" },
      { languageLocked: true },
      { ai: "full" },
    ]) {
      expectApiError(await patch(student, session.id, body), 403, "forbidden");
      expectApiError(await patch(otherTeacher, session.id, body), 404, "not_found");
      expectApiError(await patch(stranger, session.id, body), 404, "not_found");
    }
    const read = await server.call("GET", `/api/sessions/${session.id}`, { token: teacher.accessToken });
    expect(read.json().session).toMatchObject({ editing: "open", running: "allowed", languageLocked: false });
    const byAdmin = await patch(admin, session.id, { editing: "locked" });
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json().session.editing).toBe("locked");
    const ended = await server.call("POST", `/api/sessions/${session.id}/end`, {
      token: teacher.accessToken,
    });
    expect(ended.statusCode).toBe(200);
    expectApiError(await patch(teacher, session.id, { editing: "open" }), 410, "session_ended");
    expectApiError(await patch(admin, session.id, { running: "denied" }), 410, "session_ended");
  });

  it("bad control values -> 422 validation_failed naming the field, nothing changed", async () => {
    const { session } = await classWithStudent();
    const bodies: [Record<string, unknown>, string][] = [
      [{ editing: "closed" }, "editing"],
      [{ editing: true }, "editing"],
      [{ running: "no" }, "running"],
      [{ languageLocked: "yes" }, "languageLocked"],
      [{ languageLocked: 1 }, "languageLocked"],
      [{ broadcast: "maybe" }, "broadcast"],
      [{ ai: "all" }, "ai"],
      [{ ai: null }, "ai"],
    ];
    for (const [body, field] of bodies) {
      const res = await patch(teacher, session.id, body);
      expectApiError(res, 422, "validation_failed");
      expect(res.json().error.issues.map((i: { path: string }) => i.path)).toContain(field);
    }
    const read = await server.call("GET", `/api/sessions/${session.id}`, { token: teacher.accessToken });
    expect(read.json().session).toEqual({ ...session, participantCount: 1 });
  });

  it("editing locked: a student connected before the lock and one connecting after have their changes dropped (and told why), the teacher's go through; unlocked, edits go through again", async () => {
    const { session, student, name } = await classWithStudent({ starterCode: "start\n" });
    const before = await open(name, student);
    const watching = await open(name, teacher);
    let after: WatchedDoc | null = null;
    try {
      expect(await typed(before, "open1\n")).toBe(true);

      await changed(session.id, { editing: "locked" });
      // From the moment the PATCH returns: the connection open since before is bound.
      expect(await typed(before, "LOCKED-A\n")).toBe(false);
      expect(await typed(before, "LOCKED-B\n")).toBe(false);
      // Told once per lock, with the notice the protocol describes.
      await retryableAssertion(() => expect(before.answers.stateless).toHaveLength(1));
      const notice = editingLockedNoticeSchema.parse(JSON.parse(before.answers.stateless[0] ?? ""));
      expect(notice.message).toMatch(/locked editing/);
      // The teacher still edits the student's code.
      expect(await typed(watching, "teacher\n")).toBe(true);

      // A connection opened during the lock is bound too (and not told it is read-only for good).
      after = await open(name, student);
      expect(after.client.provider.authorizedScope).toBe("read-write");
      expect(await typed(after, "LOCKED-C\n")).toBe(false);
      expect(after.answers.stateless).toHaveLength(1);

      expect(await serverCode(name)).toBe("start\nopen1\nteacher\n");
      await retryableAssertion(() => expect(before.client.code.toString()).toContain("teacher\n"));

      // Unlocked: the server asks each connection it refused for what it lacks (one more
      // answer each), later edits apply, and both student tabs and the teacher converge.
      const tabs = [before, after];
      const applied = tabs.map((tab) => tab.answers.applied + 1);
      await changed(session.id, { editing: "open" });
      await retryableAssertion(() => expect(tabs.map((tab) => tab.answers.applied)).toEqual(applied));
      expect(await typed(before, "open2\n")).toBe(true);
      expect(await typed(after, "open3\n")).toBe(true);
      await retryableAssertion(async () => {
        const code = await serverCode(name);
        expect(code).toMatch(/^start\nopen1\n/);
        for (const line of ["teacher", "open2", "open3", "LOCKED-A", "LOCKED-B", "LOCKED-C"])
          expect(code).toContain(`${line}\n`);
        expect(watching.client.code.toString()).toBe(code);
        expect(before.client.code.toString()).toBe(code);
        expect(after?.client.code.toString()).toBe(code);
      });
      expect(before.answers.refused + after.answers.refused).toBe(3);
    } finally {
      before.client.destroy();
      watching.client.destroy();
      after?.client.destroy();
    }
  });

  it("editing locked binds only that session: a student of another session still edits", async () => {
    const locked = await classWithStudent();
    const other = await classWithStudent();
    const doc = await open(other.name, other.student);
    try {
      await changed(locked.session.id, { editing: "locked" });
      expect(await typed(doc, "still mine\n")).toBe(true);
      expect(await serverCode(other.name)).toContain("still mine\n");
    } finally {
      doc.client.destroy();
    }
  });

  it("running denied: a student's run -> 403 runs_disabled, the teacher still runs; allowed again, the student runs", async () => {
    const { session, student } = await classWithStudent();
    const program = { language: "python", code: "print('hi')\n" };
    await changed(session.id, { running: "denied" });
    expectApiError(await startRun(student, session.id, program), 403, "runs_disabled");
    const byTeacher = await startRun(teacher, session.id, program);
    expect(byTeacher.statusCode, byTeacher.body).toBe(201);
    const forStudent = await startRun(teacher, session.id, { ...program, userId: student.id });
    expect(forStudent.statusCode, forStudent.body).toBe(201);
    await changed(session.id, { running: "allowed" });
    const allowed = await startRun(student, session.id, program);
    expect(allowed.statusCode, allowed.body).toBe(201);
  });

  it("language locked: a student's run in another language -> 422 language_locked, in the session's language 201; the teacher runs any", async () => {
    const { session, student } = await classWithStudent();
    await changed(session.id, { languageLocked: true });
    const other = await startRun(student, session.id, { language: "javascript", code: "console.log(1)\n" });
    expectApiError(other, 422, "language_locked");
    expect(other.json().error.message).toMatch(/Python/);
    const same = await startRun(student, session.id, { language: "python", code: "print(1)\n" });
    expect(same.statusCode, same.body).toBe(201);
    const byTeacher = await startRun(teacher, session.id, {
      language: "javascript",
      code: "console.log(1)\n",
    });
    expect(byTeacher.statusCode, byTeacher.body).toBe(201);
    // Running denied is said first; unlocked, any language runs again.
    await changed(session.id, { running: "denied" });
    expectApiError(
      await startRun(student, session.id, { language: "javascript", code: "1\n" }),
      403,
      "runs_disabled",
    );
    await changed(session.id, { running: "allowed", languageLocked: false });
    const unlocked = await startRun(student, session.id, {
      language: "javascript",
      code: "console.log(2)\n",
    });
    expect(unlocked.statusCode, unlocked.body).toBe(201);
  });
});
