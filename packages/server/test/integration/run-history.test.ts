import type { Run, RunHistoryEntry, Session } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSession, buildUser, expectApiError, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

/** `GET /api/sessions/:id/runs`: who sees which runs, in which order, with which outcome. */
describe("run history", () => {
  let server: TestServer;
  let teacher: TestUser;
  let student: TestUser;
  let classmate: TestUser;
  let session: Session;
  /** The runs started in beforeAll, oldest first. */
  const started: Run[] = [];

  const history = (user: TestUser, query = "") =>
    server.call("GET", `/api/sessions/${session.id}/runs${query}`, { token: user.accessToken });

  const runsOf = async (user: TestUser, query = ""): Promise<RunHistoryEntry[]> => {
    const res = await history(user, query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().runs;
  };

  beforeAll(async () => {
    server = await startTestServer();
    teacher = await buildUser(server, { role: "teacher", name: "Teacher" });
    student = await buildUser(server, { name: "Ada" });
    classmate = await buildUser(server, { name: "Grace" });
    session = await buildSession(server, teacher, { name: "History" });
    await joinSession(server, student, session.joinCode);
    await joinSession(server, classmate, session.joinCode);
    const programs: [TestUser, string][] = [
      [student, "print('first')"],
      [classmate, "raise SystemExit(3)"],
      [student, "print(1 +"],
    ];
    for (const [user, code] of programs) {
      const res = await server.call("POST", `/api/sessions/${session.id}/runs`, {
        token: user.accessToken,
        body: { language: "python", code },
      });
      expect(res.statusCode, res.body).toBe(201);
      started.push(res.json().run);
      // One at a time: a student's new run would stop their previous one.
      await retryableAssertion(async () => {
        const run = await server.call("GET", `/api/runs/${res.json().run.id}`, {
          token: teacher.accessToken,
        });
        expect(run.json().run.status).toBe("finished");
      }, 20_000);
    }
  });
  afterAll(() => server?.close());

  it("shows the teacher every student's runs, newest first, with how each ended", async () => {
    const runs = await runsOf(teacher);
    expect(runs.map((r) => r.id)).toEqual(started.map((r) => r.id).reverse());
    const [syntaxError, exit3, first] = runs;
    expect(first).toMatchObject({ userId: student.id, language: "python", exitCode: 0, timedOut: false });
    expect(exit3).toMatchObject({ userId: classmate.id, exitCode: 3 });
    expect(syntaxError?.exitCode).not.toBe(0);
    for (const run of runs) {
      expect(run.status).toBe("finished");
      expect(run.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(run.createdAt)).toBeLessThanOrEqual(Date.parse(run.finishedAt ?? ""));
    }
  });

  it("filters by student for the teacher and limits the count", async () => {
    const ada = await runsOf(teacher, `?userId=${student.id}`);
    expect(ada.map((r) => r.id)).toEqual([started[2]?.id, started[0]?.id]);
    const newest = await runsOf(teacher, "?limit=1");
    expect(newest.map((r) => r.id)).toEqual([started[2]?.id]);
  });

  it("shows a student only their own runs, and refuses another student's", async () => {
    const own = await runsOf(student);
    expect(own.map((r) => r.userId)).toEqual([student.id, student.id]);
    expect((await runsOf(student, `?userId=${student.id}`)).length).toBe(2);
    expectApiError(await history(student, `?userId=${classmate.id}`), 403, "forbidden");
    expect((await runsOf(classmate)).map((r) => r.id)).toEqual([started[1]?.id]);
  });

  it("hides the session from outsiders and refuses bad queries with 422", async () => {
    const outsider = await buildUser(server, { name: "Outsider" });
    expectApiError(await history(outsider), 404, "not_found");
    expectApiError(await history(teacher, "?limit=0"), 422, "validation_failed");
    expectApiError(await history(teacher, "?limit=501"), 422, "validation_failed");
    expectApiError(await history(teacher, "?limit=two"), 422, "validation_failed");
    expectApiError(await history(teacher, "?userId=not-a-uuid"), 422, "validation_failed");
  });
});
