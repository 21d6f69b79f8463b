import { randomUUID } from "node:crypto";
import type { AnalyticsReply, StudentSessionsReply } from "@observer/protocol";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEditEvents, type NewEditEvent } from "../../src/storage/edit-events.ts";
import { finishRun, insertRun } from "../../src/storage/runs.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../factories.ts";
import { startTestServer, type TestServer } from "../support.ts";

const MINUTE = 60_000;

/** A repeatable random number generator, so a failure can be replayed. */
function generator(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

type RunEnding = "ok" | "error" | "timeout" | "stopped";

interface Seeded {
  edits: { at: Date; kind: "edit" | "paste" | "teacher_edit"; changes: number; inserted: number }[];
  runs: { at: Date; ending: RunEnding }[];
  hands: Date[];
}

const minuteOf = (d: Date) => Math.floor(d.getTime() / MINUTE) * MINUTE;

describe("session analytics", () => {
  let server: TestServer;
  let teacher: TestUser;
  const start = new Date(Date.UTC(2026, 10, 30, 9, 0, 0));
  beforeAll(async () => {
    server = await startTestServer();
    teacher = await buildUser(server, { role: "teacher" });
  });
  afterAll(() => server.close());

  /** Two hours of a class of `count` students, written through the storage layer at chosen times. */
  async function seedClass(count: number, seed: number) {
    const random = generator(seed);
    const session = await buildSession(server, teacher, { name: `Analytics ${seed}` });
    const students: { user: TestUser; seeded: Seeded }[] = [];
    for (let s = 0; s < count; s++) {
      const user = await buildUser(server, { name: `Student ${String(s).padStart(2, "0")}` });
      await joinSession(server, user, session.joinCode);
      const seeded: Seeded = { edits: [], runs: [], hands: [] };
      const rows: NewEditEvent[] = [];
      for (let i = 0; i < 40 + Math.floor(random() * 40); i++) {
        const at = new Date(start.getTime() + Math.floor(random() * 120 * MINUTE));
        const roll = random();
        const kind = roll < 0.1 ? "paste" : roll < 0.15 ? "teacher_edit" : "edit";
        const changes = kind === "edit" ? 1 + Math.floor(random() * 10) : 1;
        const inserted = kind === "paste" ? 80 + Math.floor(random() * 400) : Math.floor(random() * 12);
        seeded.edits.push({ at, kind, changes, inserted });
        rows.push({
          session_id: session.id,
          student_id: user.id,
          author_id: kind === "teacher_edit" ? teacher.id : user.id,
          kind,
          at,
          changes,
          inserted,
          deleted: Math.floor(random() * 3),
        });
      }
      await insertEditEvents(server.ctx.db, rows);
      for (let i = 0; i < Math.floor(random() * 12); i++) {
        const at = new Date(start.getTime() + Math.floor(random() * 120 * MINUTE));
        const endings: RunEnding[] = ["ok", "error", "timeout", "stopped"];
        const ending = endings[Math.floor(random() * endings.length)] as RunEnding;
        seeded.runs.push({ at, ending });
        const id = randomUUID();
        await insertRun(server.ctx.db, {
          id,
          sessionId: session.id,
          userId: user.id,
          startedBy: user.id,
          language: "python",
          codeHash: "0".repeat(64),
        });
        await finishRun(
          server.ctx.db,
          id,
          {
            exit_code: ending === "ok" ? 0 : ending === "error" ? 1 : null,
            signal: ending === "timeout" || ending === "stopped" ? "SIGKILL" : null,
            timed_out: ending === "timeout",
            output_truncated: false,
            duration_ms: 100,
            killed_for: ending === "timeout" ? "time" : ending === "stopped" ? "user" : null,
            phase: "run",
            cpu_time_limit_ms: null,
          },
          "out",
        );
        await sql`update runs set queued_at = ${at} where id = ${id}`.execute(server.ctx.db);
      }
      for (let i = 0; i < Math.floor(random() * 3); i++) {
        const at = new Date(start.getTime() + Math.floor(random() * 120 * MINUTE));
        seeded.hands.push(at);
        await server.ctx.db
          .insertInto("hands")
          .values({
            id: randomUUID(),
            session_id: session.id,
            user_id: user.id,
            status: "resolved",
            created_at: at,
          })
          .execute();
      }
      students.push({ user, seeded });
    }
    return { session, students };
  }

  it("gives each student's figures and the class's minutes, as counted from what happened", async () => {
    const { session, students } = await seedClass(12, 42);
    const res = await server.call("GET", `/api/sessions/${session.id}/analytics`, {
      token: teacher.accessToken,
    });
    expect(res.statusCode).toBe(200);
    const analytics = res.json() as AnalyticsReply;
    expect(analytics.students).toHaveLength(students.length);

    for (const { user, seeded } of students) {
      const own = seeded.edits.filter((e) => e.kind !== "teacher_edit");
      const succeeded = seeded.runs.filter((r) => r.ending === "ok").map((r) => r.at.getTime());
      const active = new Set([...own.map((e) => minuteOf(e.at)), ...seeded.runs.map((r) => minuteOf(r.at))]);
      const expected = {
        userId: user.id,
        name: user.name,
        edits: own.reduce((n, e) => n + e.changes, 0),
        charactersTyped: own.filter((e) => e.kind === "edit").reduce((n, e) => n + e.inserted, 0),
        pastes: own.filter((e) => e.kind === "paste").length,
        charactersPasted: own.filter((e) => e.kind === "paste").reduce((n, e) => n + e.inserted, 0),
        runs: seeded.runs.length,
        failedRuns: seeded.runs.filter((r) => r.ending === "error" || r.ending === "timeout").length,
        hands: seeded.hands.length,
        activeMinutes: active.size,
        firstSuccessAt: succeeded.length ? new Date(Math.min(...succeeded)).toISOString() : null,
      };
      expect(analytics.students.find((s) => s.userId === user.id)).toMatchObject(expected);
    }

    const minutes = new Map<
      number,
      { edits: number; runs: number; failedRuns: number; hands: number; pastes: number }
    >();
    const at = (d: Date) => {
      const key = minuteOf(d);
      const entry = minutes.get(key) ?? { edits: 0, runs: 0, failedRuns: 0, hands: 0, pastes: 0 };
      minutes.set(key, entry);
      return entry;
    };
    for (const { seeded } of students) {
      for (const e of seeded.edits) {
        const entry = at(e.at);
        if (e.kind !== "teacher_edit") entry.edits += e.changes;
        if (e.kind === "paste") entry.pastes += 1;
      }
      for (const r of seeded.runs) {
        const entry = at(r.at);
        entry.runs += 1;
        if (r.ending === "error" || r.ending === "timeout") entry.failedRuns += 1;
      }
      for (const h of seeded.hands) at(h).hands += 1;
    }
    const expectedMinutes = [...minutes.entries()]
      .sort(([a], [b]) => a - b)
      .map(([minute, figures]) => ({ minute: new Date(minute).toISOString(), ...figures }));
    expect(analytics.minutes).toEqual(expectedMinutes);
  });

  it("gives the same figures as CSV, a line per student", async () => {
    const { session, students } = await seedClass(5, 7);
    const json = (
      await server.call("GET", `/api/sessions/${session.id}/analytics`, { token: teacher.accessToken })
    ).json() as AnalyticsReply;
    const res = await server.call("GET", `/api/sessions/${session.id}/analytics.csv`, {
      token: teacher.accessToken,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="Analytics_7_-_analytics.csv"/);
    const lines = res.body.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "user_id,name,edits,characters_typed,pastes,characters_pasted,runs,failed_runs,hands,active_minutes,first_success_at,minutes_to_first_success",
    );
    expect(lines).toHaveLength(students.length + 1);
    for (const s of json.students) {
      const line = lines.find((l) => l.startsWith(s.userId));
      expect(line?.split(",").slice(1, 10)).toEqual(
        [
          s.name,
          s.edits,
          s.charactersTyped,
          s.pastes,
          s.charactersPasted,
          s.runs,
          s.failedRuns,
          s.hands,
          s.activeMinutes,
        ].map(String),
      );
    }
  });

  it("keeps analytics to the session's teacher", async () => {
    const { session, students } = await seedClass(1, 3);
    const student = students[0]?.user as TestUser;
    const other = await buildUser(server, { role: "teacher" });
    for (const path of ["analytics", "analytics.csv"]) {
      const url = `/api/sessions/${session.id}/${path}`;
      expect((await server.call("GET", url, { token: student.accessToken })).statusCode).toBe(403);
      expect((await server.call("GET", url, { token: other.accessToken })).statusCode).toBe(404);
      expect((await server.call("GET", url)).statusCode).toBe(401);
    }
  });

  it("lists a student's sessions among the teacher's own, with their figures in each", async () => {
    const first = await seedClass(1, 11);
    const student = first.students[0]?.user as TestUser;
    const second = await buildSession(server, teacher, { name: "Second lab" });
    await joinSession(server, student, second.joinCode);
    // Another teacher's session the student is in: not this teacher's to see.
    const otherTeacher = await buildUser(server, { role: "teacher" });
    const elsewhere = await buildSession(server, otherTeacher, { name: "Elsewhere" });
    await joinSession(server, student, elsewhere.joinCode);

    const res = await server.call("GET", `/api/students/${student.id}/sessions`, {
      token: teacher.accessToken,
    });
    expect(res.statusCode).toBe(200);
    const reply = res.json() as StudentSessionsReply;
    expect(reply.student).toEqual({ id: student.id, name: student.name });
    expect(reply.sessions.map((s) => s.name).sort()).toEqual(["Analytics 11", "Second lab"]);
    const seeded = first.students[0]?.seeded as Seeded;
    expect(reply.sessions.find((s) => s.sessionId === first.session.id)).toMatchObject({
      runs: seeded.runs.length,
      hands: seeded.hands.length,
      pastes: seeded.edits.filter((e) => e.kind === "paste").length,
    });
    expect(reply.sessions.find((s) => s.sessionId === second.id)).toMatchObject({ edits: 0, runs: 0 });
    // The other teacher sees only theirs; a stranger teacher nothing; a student is refused.
    const theirs = await server.call("GET", `/api/students/${student.id}/sessions`, {
      token: otherTeacher.accessToken,
    });
    expect((theirs.json() as StudentSessionsReply).sessions.map((s) => s.name)).toEqual(["Elsewhere"]);
    const stranger = await buildUser(server, { role: "teacher" });
    expect(
      (await server.call("GET", `/api/students/${student.id}/sessions`, { token: stranger.accessToken }))
        .statusCode,
    ).toBe(404);
    expect(
      (await server.call("GET", `/api/students/${student.id}/sessions`, { token: student.accessToken }))
        .statusCode,
    ).toBe(403);
  });
});
