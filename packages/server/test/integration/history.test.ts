import {
  type CodeAtReply,
  type PlaybackReply,
  PlaybackTape,
  studentDocumentName,
  type TimelineEvent,
} from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { openChannel } from "../channel-client.ts";
import { type DocClient, openDoc } from "../collab-client.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

/** Types `text` at the end one character per change, as a keyboard does. */
function typeOut(client: DocClient, text: string): void {
  for (const ch of text) client.code.insert(client.code.length, ch);
}

describe("a student's history: code at a moment, timeline, playback", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;
  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher", name: "Ms Hopper" });
  });
  afterAll(() => server.close());

  async function classWithStudent(name = "Ada") {
    const session = await buildSession(server, teacher, { starterCode: "# start\n" });
    const student = await buildUser(server, { name });
    await joinSession(server, student, session.joinCode);
    return { session, student, documentName: studentDocumentName(session.id, student.id) };
  }

  const codeAt = async (sessionId: string, userId: string, at: Date, token: string) => {
    const res = await server.call(
      "GET",
      `/api/sessions/${sessionId}/students/${userId}/code?at=${encodeURIComponent(at.toISOString())}`,
      { token },
    );
    expect(res.statusCode).toBe(200);
    return res.json() as CodeAtReply;
  };

  const timeline = async (sessionId: string, userId: string, token: string) => {
    const res = await server.call("GET", `/api/sessions/${sessionId}/students/${userId}/timeline`, { token });
    expect(res.statusCode).toBe(200);
    return (res.json() as { events: TimelineEvent[] }).events;
  };

  it("gives the code exactly as the student had typed it at several moments", async () => {
    const { session, student } = await classWithStudent();
    const before = new Date(Date.now() - 60_000);
    const client = openDoc(url, {
      name: studentDocumentName(session.id, student.id),
      token: student.accessToken,
    });
    try {
      await client.synced;
      const moments: { at: Date; code: string }[] = [];
      for (const step of ["def f():\n", "    return 41 + 1\n", "print(f())\n", "print('done')\n"]) {
        typeOut(client, step);
        const expected = client.code.toString();
        // Saved: the code now is what was typed (the save comes a second or two after typing).
        await retryableAssertion(async () => {
          expect((await codeAt(session.id, student.id, new Date(), teacher.accessToken)).code).toBe(expected);
        }, 10_000);
        moments.push({ at: new Date(), code: expected });
      }
      client.code.delete(0, client.code.length);
      typeOut(client, "print('rewritten')\n");
      await retryableAssertion(async () => {
        expect((await codeAt(session.id, student.id, new Date(), teacher.accessToken)).code).toBe(
          "print('rewritten')\n",
        );
      }, 10_000);
      for (const moment of moments) {
        const reply = await codeAt(session.id, student.id, moment.at, teacher.accessToken);
        expect(reply).toEqual({ code: moment.code, language: "python", at: moment.at.toISOString() });
      }
      // The student asks for their own; before the document existed, there was no code.
      expect((await codeAt(session.id, student.id, moments[1]?.at as Date, student.accessToken)).code).toBe(
        moments[1]?.code,
      );
      expect((await codeAt(session.id, student.id, before, student.accessToken)).code).toBe("");

      // Playback's frames rebuild the same moments.
      const res = await server.call("GET", `/api/sessions/${session.id}/students/${student.id}/playback`, {
        token: teacher.accessToken,
      });
      expect(res.statusCode).toBe(200);
      const playback = res.json() as PlaybackReply;
      const tape = new PlaybackTape(playback.frames, session.language);
      for (const moment of moments) expect(tape.momentAt(moment.at.getTime()).code).toBe(moment.code);
      expect(tape.momentAt(Date.now()).code).toBe("print('rewritten')\n");
      expect(Date.parse(playback.from)).toBeLessThanOrEqual(tape.times[0] as number);
    } finally {
      client.destroy();
    }
  });

  it("refuses an invalid moment", async () => {
    const { session, student } = await classWithStudent();
    const res = await server.call(
      "GET",
      `/api/sessions/${session.id}/students/${student.id}/code?at=yesterday`,
      {
        token: teacher.accessToken,
      },
    );
    expect(res.statusCode).toBe(422);
  });

  it("tells pastes from typing bursts, undo, copies of the student's own code and the teacher's edits", async () => {
    const { session, student, documentName } = await classWithStudent("Grace");
    const mine = openDoc(url, { name: documentName, token: student.accessToken });
    const theirs = openDoc(url, { name: documentName, token: teacher.accessToken });
    const channel = await openChannel(url, session.id, teacher.accessToken);
    try {
      await Promise.all([mine.synced, theirs.synced]);
      const burst = "x = 1\n".repeat(25); // 150 characters, one change each, as fast as can be
      typeOut(mine, burst);
      const block =
        `${"def helper(values):\n    return [v * 2 for v in values if v % 3 == 0]\n".repeat(2)}`.slice(
          0,
          120,
        );
      mine.code.insert(mine.code.length, block); // a paste
      await retryableAssertion(async () => {
        const events = await timeline(session.id, student.id, teacher.accessToken);
        expect(events.some((e) => e.kind === "paste")).toBe(true);
      }, 10_000);
      const start = mine.code.length - block.length;
      mine.code.delete(start, block.length); // deleted...
      mine.code.insert(start, block); // ...and back (undo): no paste
      mine.code.insert(0, block); // a copy of their own code: no paste
      theirs.code.insert(theirs.code.length, "#".repeat(100)); // the teacher helps: not the student's paste

      const typed = burst.length + block.length + block.length;
      await retryableAssertion(async () => {
        const events = await timeline(session.id, student.id, teacher.accessToken);
        const edits = events.filter((e) => e.kind === "edit");
        expect(edits.reduce((n, e) => n + e.inserted, 0)).toBe(typed);
        expect(events.some((e) => e.kind === "teacher_edit")).toBe(true);
      }, 10_000);
      const events = await timeline(session.id, student.id, student.accessToken);
      const pastes = events.filter((e) => e.kind === "paste");
      expect(pastes).toEqual([expect.objectContaining({ kind: "paste", length: 120 })]);
      const edits = events.filter((e) => e.kind === "edit");
      // 150 keystrokes, the deletion, the undo and the copy.
      expect(edits.reduce((n, e) => n + e.changes, 0)).toBe(burst.length + 3);
      expect(edits.reduce((n, e) => n + e.deleted, 0)).toBe(block.length);
      const helped = events.filter((e) => e.kind === "teacher_edit");
      expect(helped.reduce((n, e) => n + (e.kind === "teacher_edit" ? e.inserted : 0), 0)).toBe(100);
      expect(helped[0]).toMatchObject({ userId: teacher.id, name: "Ms Hopper" });

      // The dashboard heard the paste share at once after the paste.
      const provenance = await channel.next((m) => m.type === "provenance" && m.pastedChars > 0);
      expect(provenance).toMatchObject({ userId: student.id, typedChars: burst.length, pastedChars: 120 });
      // A dashboard opened now gets it in the roster.
      const later = await openChannel(url, session.id, teacher.accessToken);
      const ready = await later.next((m) => m.type === "ready");
      later.close();
      const entry = ready.type === "ready" ? ready.roster.find((r) => r.userId === student.id) : undefined;
      expect(entry).toMatchObject({ typedChars: typed, pastedChars: 120 });
    } finally {
      channel.close();
      mine.destroy();
      theirs.destroy();
    }
  });

  it("counts edits made offline and sent on reconnecting as typing, not as a paste", async () => {
    const { session, student, documentName } = await classWithStudent("Offline");
    const doc = new Y.Doc();
    // Typed while away: the whole text reaches the server in one catch-up.
    doc.getText("code").insert(0, "total = 0\nfor i in range(10):\n    total += i\nprint(total)\n".repeat(3));
    const typed = doc.getText("code").length;
    const client = openDoc(url, { name: documentName, token: student.accessToken, doc });
    try {
      await client.synced;
      await retryableAssertion(async () => {
        const events = await timeline(session.id, student.id, teacher.accessToken);
        expect(events.filter((e) => e.kind === "edit").reduce((n, e) => n + e.inserted, 0)).toBe(typed);
      }, 10_000);
      const events = await timeline(session.id, student.id, teacher.accessToken);
      expect(events.filter((e) => e.kind === "paste")).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it("orders runs, hands and edits in time, each kind with its details", async () => {
    const { session, student, documentName } = await classWithStudent("Linus");
    const client = openDoc(url, { name: documentName, token: student.accessToken });
    try {
      await client.synced;
      typeOut(client, "print(1/0)\n");
      await retryableAssertion(async () => {
        const events = await timeline(session.id, student.id, teacher.accessToken);
        expect(events.some((e) => e.kind === "edit")).toBe(true);
      }, 10_000);
      const run = await server.call("POST", `/api/sessions/${session.id}/runs`, {
        token: student.accessToken,
        body: { language: "python", code: client.code.toString() },
      });
      expect(run.statusCode).toBe(201);
      const runId = run.json().run.id as string;
      await retryableAssertion(async () => {
        const res = await server.call("GET", `/api/runs/${runId}`, { token: student.accessToken });
        expect(res.json().run.status).toBe("finished");
      }, 20_000);
      const hand = await server.call("POST", `/api/sessions/${session.id}/hands`, {
        token: student.accessToken,
        body: { message: "Why does it divide by zero?", line: 1 },
      });
      expect(hand.statusCode).toBe(201);

      const events = await timeline(session.id, student.id, teacher.accessToken);
      expect(events.map((e) => e.kind)).toEqual([
        ...events.filter((e) => e.kind === "edit").map(() => "edit"),
        "run",
        "hand",
      ]);
      const times = events.map((e) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(events.find((e) => e.kind === "run")).toMatchObject({
        runId,
        status: "finished",
        outcome: "failed",
        failure: "runtime",
        exitCode: 1,
        byTeacher: false,
      });
      expect(events.at(-1)).toMatchObject({ kind: "hand", message: "Why does it divide by zero?", line: 1 });
    } finally {
      client.destroy();
    }
  });

  it("shows a student only their own history, the teacher every student's", async () => {
    const { session, student } = await classWithStudent("Own");
    const other = await buildUser(server, { name: "Other" });
    await joinSession(server, other, session.joinCode);
    const path = `/api/sessions/${session.id}/students/${student.id}/timeline`;
    expect((await server.call("GET", path, { token: other.accessToken })).statusCode).toBe(403);
    const stranger = await buildUser(server, { role: "teacher" });
    expect((await server.call("GET", path, { token: stranger.accessToken })).statusCode).toBe(404);
    expect((await server.call("GET", path)).statusCode).toBe(401);
    // Someone who is not in the session has no history in it.
    const outsider = await buildUser(server);
    const theirs = `/api/sessions/${session.id}/students/${outsider.id}/timeline`;
    expect((await server.call("GET", theirs, { token: teacher.accessToken })).statusCode).toBe(404);
  });
});
