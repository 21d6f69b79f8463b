import {
  broadcastDocumentName,
  CLOSE_CODES,
  type Language,
  type Session,
  studentDocumentName,
} from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentCode } from "../../src/collab/document-code.ts";
import { loadDocument } from "../../src/storage/documents.ts";
import { openChannel } from "../channel-client.ts";
import {
  type DocClient,
  openDoc,
  openWatched,
  sharedSocket,
  typedAndAnswered as typed,
} from "../collab-client.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

/**
 * The session's broadcast document (`sessions/<id>/broadcast`) through real Hocuspocus
 * providers: whoever manages the session writes it, member students read it live and their
 * changes are not applied, anyone else is refused; it starts from the session's language and
 * starter code, turns read-only when the session ends, is not bound by the editing lock, and is
 * nobody's activity on the session channel.
 */
describe("broadcast document", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher", name: "Teacher" });
    if (!server.admin) throw new Error("no admin");
    admin = server.admin;
  });
  afterAll(() => server?.close());

  /** A session with one joined student, and its broadcast document's name. */
  async function classWithStudent(overrides: { language?: Language; starterCode?: string } = {}) {
    const session = await buildSession(server, teacher, { name: "Broadcast", starterCode: "", ...overrides });
    const student = await buildUser(server, { name: "Ada" });
    expect((await joinSession(server, student, session.joinCode)).statusCode).toBe(200);
    return { session, student, name: broadcastDocumentName(session.id) };
  }

  /** Opens a document and waits for its sync, or for the server's close code. */
  async function outcomeOf(name: string, token: string | null): Promise<"synced" | number> {
    const client = openDoc(url, { name, token });
    try {
      return await Promise.race([client.synced.then(() => "synced" as const), client.closed]);
    } finally {
      client.destroy();
    }
  }

  /** The code a fresh reader (the teacher) gets from the server now. */
  async function serverCode(name: string): Promise<string> {
    const reader = openDoc(url, { name, token: teacher.accessToken });
    try {
      await reader.synced;
      return reader.code.toString();
    } finally {
      reader.destroy();
    }
  }

  /** The document's code as the database holds it. */
  async function storedCode(name: string): Promise<string | null> {
    const stored = await loadDocument(server.ctx.db, name);
    return stored ? documentCode(stored.state, "python").code : null;
  }

  const end = async (session: Session) => {
    const res = await server.call("POST", `/api/sessions/${session.id}/end`, { token: teacher.accessToken });
    expect(res.statusCode, res.body).toBe(200);
  };

  it("is created from the session's language and starter code, stored as the teacher's document", async () => {
    const { session, name } = await classWithStudent({ language: "java", starterCode: "class Main {}\n" });
    const client = openDoc(url, { name, token: teacher.accessToken });
    try {
      await client.synced;
      expect(client.code.toString()).toBe("class Main {}\n");
      expect(client.meta.get("language")).toBe("java");
      const row = await server.ctx.db
        .selectFrom("documents")
        .select(["session_id", "student_id"])
        .where("name", "=", name)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ session_id: session.id, student_id: teacher.id });
      // Its history counts against the teacher's storage in the session, like a student's.
      client.code.insert(client.code.length, "// shown to the class\n");
      await retryableAssertion(async () =>
        expect((await server.ctx.storage.usage(session.id, teacher.id)).historyBytes).toBeGreaterThan(
          "class Main {}\n// shown to the class\n".length,
        ),
      );
    } finally {
      client.destroy();
    }
  });

  it("the teacher writes and a member student receives it live; the student's change is not applied", async () => {
    const { student, name } = await classWithStudent({ starterCode: "# start\n" });
    const teacherDoc = await openWatched(url, name, teacher.accessToken);
    const studentDoc = await openWatched(url, name, student.accessToken);
    try {
      expect(studentDoc.client.code.toString()).toBe("# start\n");
      expect(await typed(teacherDoc, "print('from the teacher')\n")).toBe(true);
      await retryableAssertion(() =>
        expect(studentDoc.client.code.toString()).toBe("# start\nprint('from the teacher')\n"),
      );
      expect(await typed(studentDoc, "# from the student\n")).toBe(false);
      // A later teacher edit reaches the student; the student's never reaches anyone.
      expect(await typed(teacherDoc, "print(2)\n")).toBe(true);
      await retryableAssertion(() => expect(studentDoc.client.code.toString()).toContain("print(2)\n"));
      await retryableAssertion(async () =>
        expect(await storedCode(name)).toBe("# start\nprint('from the teacher')\nprint(2)\n"),
      );
      expect(teacherDoc.client.code.toString()).toBe("# start\nprint('from the teacher')\nprint(2)\n");
      expect(await serverCode(name)).toBe("# start\nprint('from the teacher')\nprint(2)\n");
    } finally {
      teacherDoc.client.destroy();
      studentDoc.client.destroy();
    }
  });

  it("an outsider student and another teacher are refused (4403), anonymous and invalid tokens too (4401)", async () => {
    const { name } = await classWithStudent();
    const outsider = await buildUser(server, { name: "Outsider" });
    const otherTeacher = await buildUser(server, { role: "teacher", name: "Other" });
    expect(await outcomeOf(name, outsider.accessToken)).toBe(CLOSE_CODES.forbidden);
    expect(await outcomeOf(name, otherTeacher.accessToken)).toBe(CLOSE_CODES.forbidden);
    expect(await outcomeOf(name, null)).toBe(CLOSE_CODES.unauthorized);
    expect(await outcomeOf(name, "not-a-jwt")).toBe(CLOSE_CODES.unauthorized);
    // Crafted names are refused as well.
    expect(await outcomeOf(`${name}/x`, teacher.accessToken)).toBe(CLOSE_CODES.forbidden);
    expect(await outcomeOf(name.toUpperCase(), teacher.accessToken)).toBe(CLOSE_CODES.forbidden);
  });

  it("an admin reads and writes it", async () => {
    const { name } = await classWithStudent();
    const adminDoc = await openWatched(url, name, admin.accessToken);
    try {
      expect(await typed(adminDoc, "# admin\n")).toBe(true);
      await retryableAssertion(async () => expect(await serverCode(name)).toBe("# admin\n"));
    } finally {
      adminDoc.client.destroy();
    }
  });

  it("turns read-only for the teacher too once the session ended (past the grace period)", async () => {
    const { session, name } = await classWithStudent({ starterCode: "before\n" });
    const open = openDoc(url, { name, token: teacher.accessToken });
    await open.synced;
    await end(session);
    // After the grace period the server closes the connections so that they reopen read-only.
    await open.closed;
    open.destroy();
    const again = await openWatched(url, name, teacher.accessToken);
    try {
      expect(again.client.code.toString()).toBe("before\n");
      expect(await typed(again, "after end\n")).toBe(false);
    } finally {
      again.client.destroy();
    }
    expect(await serverCode(name)).toBe("before\n");
  });

  it("a student's connection stays read-only when the teacher locks then unlocks editing; the teacher still writes while locked", async () => {
    const { session, student, name } = await classWithStudent();
    const patch = async (body: Record<string, unknown>) => {
      const res = await server.call("PATCH", `/api/sessions/${session.id}`, {
        token: teacher.accessToken,
        body,
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    const teacherDoc = await openWatched(url, name, teacher.accessToken);
    const studentDoc = await openWatched(url, name, student.accessToken);
    try {
      await patch({ editing: "locked" });
      expect(await typed(teacherDoc, "while locked\n")).toBe(true);
      expect(await typed(studentDoc, "student locked\n")).toBe(false);
      await patch({ editing: "open" });
      expect(await typed(studentDoc, "student unlocked\n")).toBe(false);
      // A connection opened after the unlock is read-only as well.
      const late = await openWatched(url, name, student.accessToken);
      try {
        expect(await typed(late, "late student\n")).toBe(false);
      } finally {
        late.client.destroy();
      }
      expect(await typed(teacherDoc, "after unlock\n")).toBe(true);
      expect(await serverCode(name)).toBe("while locked\nafter unlock\n");
      // No lock notice: the broadcast is not the student's to edit whatever the lock.
      expect(studentDoc.answers.stateless).toEqual([]);
    } finally {
      teacherDoc.client.destroy();
      studentDoc.client.destroy();
    }
  });

  it("a student removed from the session loses the broadcast at once (the server closes it, 4403)", async () => {
    const { session, student, name } = await classWithStudent();
    const socket = sharedSocket(url);
    const closed = new Promise<number>((resolve) =>
      socket.on("close", ({ event }: { event: { code: number } }) => resolve(event.code)),
    );
    const studentDoc = openDoc(url, { name, token: student.accessToken, socket });
    const held = () =>
      (server.collab.hocuspocus.documents.get(name)?.getConnections() ?? []).some(
        (c) => (c.context as { user?: { id: string } } | undefined)?.user?.id === student.id,
      );
    try {
      await studentDoc.synced;
      expect(held()).toBe(true);
      const removed = await server.call("DELETE", `/api/sessions/${session.id}/participants/${student.id}`, {
        token: teacher.accessToken,
      });
      expect(removed.statusCode, removed.body).toBe(204);
      expect(await closed).toBe(CLOSE_CODES.forbidden);
      expect(held()).toBe(false);
      expect(await outcomeOf(name, student.accessToken)).toBe(CLOSE_CODES.forbidden);
    } finally {
      studentDoc.destroy();
      socket.destroy();
    }
  });

  it("does not make a student online, and the teacher's typing in it is no student's edit", async () => {
    const { session, student, name } = await classWithStudent();
    const channel = await openChannel(url, session.id, teacher.accessToken);
    const docs: DocClient[] = [];
    try {
      const ready = await channel.next((m) => m.type === "ready");
      expect(ready.type === "ready" && ready.roster[0]?.online).toBe(false);
      const studentBroadcast = openDoc(url, { name, token: student.accessToken });
      docs.push(studentBroadcast);
      await studentBroadcast.synced;
      // Their own document makes them online; closing it makes them offline though the broadcast is open.
      const own = openDoc(url, {
        name: studentDocumentName(session.id, student.id),
        token: student.accessToken,
      });
      docs.push(own);
      await own.synced;
      await channel.next((m) => m.type === "presence" && m.userId === student.id && m.online);
      own.destroy();
      await channel.next((m) => m.type === "presence" && m.userId === student.id && !m.online);
      expect((await server.ctx.presence.onlineUsers(session.id)).has(student.id)).toBe(false);

      const teacherDoc = openDoc(url, { name, token: teacher.accessToken });
      docs.push(teacherDoc);
      await teacherDoc.synced;
      teacherDoc.code.insert(0, "print('demo')\n");
      await retryableAssertion(async () => expect(await storedCode(name)).toBe("print('demo')\n"));
      expect(channel.messages.filter((m) => m.type === "edited")).toEqual([]);
      expect(await server.ctx.presence.lastEdits(session.id)).toEqual(new Map());
      // The student's own edit is announced: the channel would have carried the teacher's.
      const ownAgain = openDoc(url, {
        name: studentDocumentName(session.id, student.id),
        token: student.accessToken,
      });
      docs.push(ownAgain);
      await ownAgain.synced;
      ownAgain.code.insert(0, "x = 1\n");
      await channel.next((m) => m.type === "edited");
      expect(
        channel.messages.filter((m) => m.type === "edited").map((m) => m.type === "edited" && m.userId),
      ).toEqual([student.id]);
      const roster = await openChannel(url, session.id, teacher.accessToken);
      try {
        const fresh = await roster.next((m) => m.type === "ready");
        if (fresh.type !== "ready") throw new Error("not ready");
        expect(fresh.roster.map((r) => r.userId)).toEqual([student.id]);
      } finally {
        roster.close();
      }
    } finally {
      for (const doc of docs) doc.destroy();
      channel.close();
    }
  });
});
