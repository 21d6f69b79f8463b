import { LIMITS, studentDocumentName } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import * as Y from "yjs";
import { collabUrl, openDoc } from "../collab-client.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

/** Editing behaviour of student documents through real providers. */
describe("collab documents", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher" });
  });
  afterAll(() => server.close());

  /** A fresh session with one joined student; returns the student's document name. */
  async function studentDoc(starterCode = "", language: "python" | "java" = "python") {
    const session = await buildSession(server, teacher, { starterCode, language });
    const student = await buildUser(server);
    await joinSession(server, student, session.joinCode);
    return { session, student, name: studentDocumentName(session.id, student.id) };
  }

  it("initialises the starter code exactly once when two tabs open a new document at the same moment", async () => {
    const { student, name } = await studentDoc("int main() {}\n", "java");
    const tabs = Array.from({ length: 4 }, () => openDoc(url, { name, token: student.accessToken }));
    try {
      await Promise.all(tabs.map((t) => t.synced));
      for (const tab of tabs) {
        expect(tab.code.toString()).toBe("int main() {}\n");
        expect(tab.meta.get("language")).toBe("java");
      }
    } finally {
      for (const tab of tabs) tab.destroy();
    }
  });

  it("converges when the student (two tabs) and the teacher type at the same time", async () => {
    const { student, name } = await studentDoc("");
    const a = openDoc(url, { name, token: student.accessToken });
    const b = openDoc(url, { name, token: student.accessToken });
    const t = openDoc(url, { name, token: teacher.accessToken });
    try {
      await Promise.all([a.synced, b.synced, t.synced]);
      for (let i = 0; i < 50; i++) {
        a.code.insert(a.code.length, "a");
        b.code.insert(0, "b");
        t.code.insert(Math.floor(t.code.length / 2), "t");
      }
      await retryableAssertion(() => {
        expect(a.code.length).toBe(150);
        expect(b.code.toString()).toBe(a.code.toString());
        expect(t.code.toString()).toBe(a.code.toString());
      });
      const text = a.code.toString();
      expect(text.split("a")).toHaveLength(51);
      expect(text.split("b")).toHaveLength(51);
      expect(text.split("t")).toHaveLength(51);
    } finally {
      a.destroy();
      b.destroy();
      t.destroy();
    }
  });

  it("merges edits made offline when the connection comes back", async () => {
    const { student, name } = await studentDoc("line\n");
    const mine = openDoc(url, { name, token: student.accessToken });
    const teacherView = openDoc(url, { name, token: teacher.accessToken });
    try {
      await Promise.all([mine.synced, teacherView.synced]);
      mine.provider.configuration.websocketProvider.disconnect();
      mine.code.insert(0, "offline edit\n");
      teacherView.code.insert(teacherView.code.length, "teacher meanwhile\n");
      await new Promise((r) => setTimeout(r, 200));
      expect(teacherView.code.toString()).not.toContain("offline edit");
      await mine.provider.configuration.websocketProvider.connect();
      await retryableAssertion(() => {
        expect(teacherView.code.toString()).toBe("offline edit\nline\nteacher meanwhile\n");
        expect(mine.code.toString()).toBe(teacherView.code.toString());
      });
    } finally {
      mine.destroy();
      teacherView.destroy();
    }
  });

  it("refuses an update that would take the code over the cap, leaving the document unchanged", async () => {
    const { student, name } = await studentDoc("small\n");
    const writer = openDoc(url, { name, token: student.accessToken });
    try {
      await writer.synced;
      writer.code.insert(0, "x".repeat(LIMITS.codeBytes));
      await new Promise((r) => setTimeout(r, 500));
      const reader = openDoc(url, { name, token: teacher.accessToken });
      await reader.synced;
      expect(reader.code.toString()).toBe("small\n");
      reader.destroy();
      // Within the cap still works afterwards on a fresh connection.
      const again = openDoc(url, { name, token: student.accessToken });
      await again.synced;
      again.code.insert(0, "ok ");
      const check = openDoc(url, { name, token: teacher.accessToken });
      await check.synced;
      await retryableAssertion(() => expect(check.code.toString()).toBe("ok small\n"));
      check.destroy();
      again.destroy();
    } finally {
      writer.destroy();
    }
  });

  it("closes only the connection that sends a malformed message", async () => {
    const { student, name } = await studentDoc("keep\n");
    const good = openDoc(url, { name, token: student.accessToken });
    await good.synced;
    const raw = new WebSocket(collabUrl(url));
    await new Promise((r) => raw.once("open", r));
    const closed = new Promise<number>((r) => raw.once("close", (code) => r(code)));
    raw.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02]));
    expect(await closed).toBeGreaterThanOrEqual(1000);
    good.code.insert(0, "alive ");
    const check = openDoc(url, { name, token: teacher.accessToken });
    await check.synced;
    await retryableAssertion(() => expect(check.code.toString()).toBe("alive keep\n"));
    check.destroy();
    good.destroy();
  });

  it("makes documents read-only once the session has ended", async () => {
    const { session, student, name } = await studentDoc("before\n");
    const mine = openDoc(url, { name, token: student.accessToken });
    await mine.synced;
    const ended = await server.call("POST", `/api/sessions/${session.id}/end`, {
      token: teacher.accessToken,
    });
    expect(ended.statusCode).toBe(200);
    // After the end's grace period the server closes the connections to the session's documents.
    await mine.closed;
    mine.code.insert(0, "after end ");
    await new Promise((r) => setTimeout(r, 500));
    const reader = openDoc(url, { name, token: teacher.accessToken });
    await reader.synced;
    expect(reader.code.toString()).toBe("before\n");
    reader.destroy();
    mine.destroy();
  });

  it("saves within about a second and keeps a history that rebuilds the code at any past moment", async () => {
    const { student, name } = await studentDoc("v0\n");
    const mine = openDoc(url, { name, token: student.accessToken });
    await mine.synced;
    const history = () =>
      server.ctx.db
        .selectFrom("document_updates")
        .select(["update", "created_at"])
        .where("document_name", "=", name)
        .orderBy("id")
        .execute();
    const replay = (rows: Awaited<ReturnType<typeof history>>, until: Date) => {
      const doc = new Y.Doc();
      for (const row of rows) if (row.created_at <= until) Y.applyUpdate(doc, new Uint8Array(row.update));
      return doc.getText("code").toString();
    };
    const typedAt = Date.now();
    mine.code.insert(mine.code.length, "v1\n");
    await retryableAssertion(async () => expect(replay(await history(), new Date())).toBe("v0\nv1\n"), 5000);
    const savedAfterMs = Date.now() - typedAt;
    expect(savedAfterMs).toBeLessThan(5000);
    const afterFirst = new Date();
    await new Promise((r) => setTimeout(r, 20));
    mine.code.insert(mine.code.length, "v2\n");
    await retryableAssertion(async () => {
      const rows = await history();
      expect(replay(rows, new Date())).toBe("v0\nv1\nv2\n");
      expect(replay(rows, afterFirst)).toBe("v0\nv1\n");
    }, 5000);
    const stored = await server.ctx.db
      .selectFrom("documents")
      .select(["state", "last_edit_at"])
      .where("name", "=", name)
      .executeTakeFirstOrThrow();
    const fromState = new Y.Doc();
    Y.applyUpdate(fromState, new Uint8Array(stored.state));
    expect(fromState.getText("code").toString()).toBe("v0\nv1\nv2\n");
    expect(stored.last_edit_at?.getTime()).toBeGreaterThan(afterFirst.getTime());
    mine.destroy();
  });
});
