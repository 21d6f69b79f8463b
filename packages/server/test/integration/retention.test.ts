import { randomUUID } from "node:crypto";
import { studentDocumentName } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneEndedSessions } from "../../src/storage/retention.ts";
import { finishRun, insertRun } from "../../src/storage/runs.ts";
import { openChannel } from "../channel-client.ts";
import { openDoc } from "../collab-client.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

const DAY = 24 * 60 * 60_000;

describe("deleting a session and pruning old history", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;
  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher" });
  });
  afterAll(() => server.close());

  const count = async (
    table: "documents" | "document_updates" | "edit_events" | "runs" | "hands" | "participants",
    sessionId: string,
  ) => {
    const db = server.ctx.db;
    if (table === "document_updates") {
      const rows = await db
        .selectFrom("document_updates")
        .innerJoin("documents", "documents.name", "document_updates.document_name")
        .select("document_updates.id")
        .where("documents.session_id", "=", sessionId)
        .execute();
      return rows.length;
    }
    return (await db.selectFrom(table).select("session_id").where("session_id", "=", sessionId).execute())
      .length;
  };

  /** A session where a student typed (over a real connection), ran a program and raised a hand. */
  async function activeSession(code: string) {
    const session = await buildSession(server, teacher);
    const student = await buildUser(server);
    await joinSession(server, student, session.joinCode);
    const client = openDoc(url, {
      name: studentDocumentName(session.id, student.id),
      token: student.accessToken,
    });
    await client.synced;
    for (const ch of code) client.code.insert(client.code.length, ch);
    await retryableAssertion(
      async () => expect(await count("edit_events", session.id)).toBeGreaterThan(0),
      10_000,
    );
    const runId = randomUUID();
    await insertRun(server.ctx.db, {
      id: runId,
      sessionId: session.id,
      userId: student.id,
      startedBy: student.id,
      language: "python",
      codeHash: "0".repeat(64),
    });
    await finishRun(
      server.ctx.db,
      runId,
      {
        exit_code: 0,
        signal: null,
        timed_out: false,
        output_truncated: false,
        duration_ms: 12,
        killed_for: null,
        phase: "run",
        cpu_time_limit_ms: null,
      },
      "hello\n",
    );
    const hand = await server.call("POST", `/api/sessions/${session.id}/hands`, {
      token: student.accessToken,
      body: {},
    });
    expect(hand.statusCode).toBe(201);
    return { session, student, client, runId };
  }

  it("lets the teacher delete a session with all its data; its documents and channels close and stay gone", async () => {
    const { session, student, client } = await activeSession("print('bye')\n");
    const channel = await openChannel(url, session.id, student.accessToken);
    try {
      await channel.next((m) => m.type === "ready");
      const stranger = await buildUser(server, { role: "teacher" });
      expect(
        (await server.call("DELETE", `/api/sessions/${session.id}`, { token: student.accessToken }))
          .statusCode,
      ).toBe(403);
      expect(
        (await server.call("DELETE", `/api/sessions/${session.id}`, { token: stranger.accessToken }))
          .statusCode,
      ).toBe(404);
      const res = await server.call("DELETE", `/api/sessions/${session.id}`, { token: teacher.accessToken });
      expect(res.statusCode).toBe(204);
      for (const table of [
        "documents",
        "document_updates",
        "edit_events",
        "runs",
        "hands",
        "participants",
      ] as const)
        expect(await count(table, session.id)).toBe(0);
      expect(
        (await server.call("GET", `/api/sessions/${session.id}`, { token: teacher.accessToken })).statusCode,
      ).toBe(404);
      // The student hears the session ended, then their channel closes as not found.
      await channel.next((m) => m.type === "session_ended");
      expect(await channel.closed).toBe(4404);
      // The student's editor is disconnected and cannot bring the document back.
      await client.closed;
      client.code.insert(0, "# still here?\n");
      await new Promise((r) => setTimeout(r, 1500));
      expect(await count("documents", session.id)).toBe(0);
      const again = openDoc(url, {
        name: studentDocumentName(session.id, student.id),
        token: student.accessToken,
      });
      try {
        expect(await again.refused).toBeTruthy();
      } finally {
        again.destroy();
      }
    } finally {
      client.destroy();
      channel.close();
    }
  });

  it("prunes the history and run output of sessions ended longer ago than the retention, once", async () => {
    const old = await activeSession("x = 1\ny = 2\n");
    const recent = await activeSession("z = 3\n");
    const running = await activeSession("w = 4\n");
    old.client.destroy();
    recent.client.destroy();
    running.client.destroy();
    const documentName = studentDocumentName(old.session.id, old.student.id);
    // Saved at unload: the final code is in the history.
    await retryableAssertion(async () => {
      const doc = await server.ctx.db
        .selectFrom("documents")
        .select("name")
        .where("name", "=", documentName)
        .executeTakeFirst();
      expect(doc).toBeTruthy();
      expect(server.collab.hocuspocus.documents.has(documentName)).toBe(false);
    }, 10_000);
    for (const { session } of [old, recent]) {
      expect(
        (await server.call("POST", `/api/sessions/${session.id}/end`, { token: teacher.accessToken }))
          .statusCode,
      ).toBe(200);
    }
    const historyBefore = await count("document_updates", old.session.id);
    expect(historyBefore).toBeGreaterThan(1);

    // Ten days later, with a retention of a week: only the session ended ten days before goes.
    const tenDaysLater = new Date(Date.now() + 10 * DAY);
    await server.ctx.db
      .updateTable("sessions")
      .set({ ended_at: new Date(Date.now() - 0) })
      .where("id", "=", old.session.id)
      .execute();
    await server.ctx.db
      .updateTable("sessions")
      .set({ ended_at: new Date(tenDaysLater.getTime() - 2 * DAY) })
      .where("id", "=", recent.session.id)
      .execute();
    const result = await pruneEndedSessions(server.ctx.db, 7, tenDaysLater);
    expect(result).toMatchObject({ sessions: 1, historyRows: historyBefore, runOutputs: 1 });
    expect(result.editEvents).toBeGreaterThan(0);

    expect(await count("document_updates", old.session.id)).toBe(1);
    expect(await count("edit_events", old.session.id)).toBe(0);
    const run = await server.call("GET", `/api/runs/${old.runId}`, { token: teacher.accessToken });
    expect(run.json().run).toMatchObject({ output: "", outputTruncated: true, exitCode: 0 });
    // The final code is still there, and playback opens on it.
    const code = await server.call(
      "GET",
      `/api/sessions/${old.session.id}/students/${old.student.id}/code?at=${encodeURIComponent(tenDaysLater.toISOString())}`,
      { token: teacher.accessToken },
    );
    expect(code.json().code).toBe("x = 1\ny = 2\n");
    // Hands and runs (their results) stay for the records.
    expect(await count("runs", old.session.id)).toBe(1);
    expect(await count("hands", old.session.id)).toBe(1);
    // The others are untouched, and a second pass does nothing.
    expect(await count("edit_events", recent.session.id)).toBeGreaterThan(0);
    expect(await count("edit_events", running.session.id)).toBeGreaterThan(0);
    expect(await pruneEndedSessions(server.ctx.db, 7, tenDaysLater)).toEqual({
      sessions: 0,
      historyRows: 0,
      editEvents: 0,
      runOutputs: 0,
    });
  });
});
