import { CLOSE_CODES, LIMITS, type Run, type Session } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/env.ts";
import { openChannel } from "../channel-client.ts";
import { buildSession, buildUser, expectApiError, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer, testConfig } from "../support.ts";
import { openTerminal } from "../terminal-client.ts";

/** Program runs through the public API: the routes, the terminal WebSocket, the channel events. */
describe("runs", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;
  let student: TestUser;
  let classmate: TestUser;
  let outsider: TestUser;
  let session: Session;

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher", name: "Teacher" });
    student = await buildUser(server, { name: "Ada" });
    classmate = await buildUser(server, { name: "Grace" });
    outsider = await buildUser(server, { name: "Outsider" });
    session = await buildSession(server, teacher, { name: "Runs" });
    await joinSession(server, student, session.joinCode);
    await joinSession(server, classmate, session.joinCode);
  });
  afterAll(() => server?.close());

  const startRun = async (user: TestUser, body: Record<string, unknown>, sessionId = session.id) =>
    server.call("POST", `/api/sessions/${sessionId}/runs`, { token: user.accessToken, body });

  const started = async (user: TestUser, body: Record<string, unknown>): Promise<Run> => {
    const res = await startRun(user, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().run;
  };

  it("lists the five languages with their versions", async () => {
    const res = await server.call("GET", "/api/languages", { token: student.accessToken });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.sandbox).toEqual({ available: true, reason: null });
    expect(body.languages.map((l: { id: string }) => l.id)).toEqual([
      "python",
      "javascript",
      "c",
      "cpp",
      "java",
    ]);
    for (const language of body.languages) {
      expect(language.available, language.id).toBe(true);
      expect(language.version, language.id).toMatch(/\d+\.\d+/);
    }
  });

  it("runs a student's program and streams its output, then the exit, then closes", async () => {
    const run = await started(student, {
      language: "python",
      code: 'print("héllo ✓ \\x1b[32mgreen\\x1b[0m")',
    });
    expect(run).toMatchObject({
      sessionId: session.id,
      userId: student.id,
      language: "python",
    });
    expect(["queued", "running"]).toContain(run.status);
    const terminal = await openTerminal(url, run.id, student.accessToken);
    const exit = await terminal.exit;
    expect(exit).toMatchObject({ exitCode: 0, signal: null, timedOut: false, outputTruncated: false });
    expect(terminal.output()).toContain("héllo ✓ \x1b[32mgreen\x1b[0m");
    expect(await terminal.closed).toBe(1000);
    // The record, through the API.
    await retryableAssertion(async () => {
      const res = await server.call("GET", `/api/runs/${run.id}`, { token: student.accessToken });
      expect(res.json().run).toMatchObject({ status: "finished", exitCode: 0, phase: "run" });
      expect(res.json().run.output).toContain("héllo ✓");
    });
  });

  it("takes input typed into the terminal, like a real terminal (prompt, echo, line editing)", async () => {
    const run = await started(student, {
      language: "python",
      code: 'name = input("Name? ")\nprint(f"Hello, {name}!")',
    });
    const terminal = await openTerminal(url, run.id, student.accessToken);
    await terminal.waitForOutput("Name? ");
    terminal.send({ type: "stdin", data: "Adx\x7fa\r" });
    expect((await terminal.exit).exitCode).toBe(0);
    expect(terminal.output()).toContain("Hello, Ada!");
  });

  it("keeps input sent right after the auth message, before the attach completes", async () => {
    const run = await started(student, { language: "python", code: "print(input()[::-1])" });
    const terminal = await openTerminal(url, run.id, student.accessToken);
    terminal.send({ type: "stdin", data: "early\r" });
    await terminal.exit;
    expect(terminal.output()).toContain("ylrae");
  });

  it("takes one auth message per terminal socket: a second closes it with 4400", async () => {
    const run = await started(student, { language: "python", code: "print(3)" });
    const terminal = await openTerminal(url, run.id, student.accessToken);
    terminal.send({ type: "auth", token: student.accessToken });
    expect(await terminal.closed).toBe(CLOSE_CODES.malformed);
  });

  it("gives a late watcher the whole output from the start, live and after the end", async () => {
    const run = await started(student, {
      language: "python",
      code: 'print("first", flush=True)\ninput()\nprint("last")',
    });
    const early = await openTerminal(url, run.id, student.accessToken);
    await early.waitForOutput("first");
    const late = await openTerminal(url, run.id, teacher.accessToken);
    await late.waitForOutput("first");
    // The teacher types into the student's program.
    late.send({ type: "stdin", data: "\r" });
    await Promise.all([early.exit, late.exit]);
    expect(late.output()).toBe(early.output());
    expect(early.output()).toMatch(/first[\s\S]*last/);
    const afterwards = await openTerminal(url, run.id, teacher.accessToken);
    expect((await afterwards.exit).exitCode).toBe(0);
    expect(afterwards.output()).toContain("first");
    expect(afterwards.output()).toContain("last");
  });

  it("reports compile errors with their line number, in the compile phase", async () => {
    const run = await started(student, { language: "c", code: "int main(void) {\n  return x;\n}\n" });
    const terminal = await openTerminal(url, run.id, student.accessToken);
    const exit = await terminal.exit;
    expect(exit.phase).toBe("compile");
    expect(exit.exitCode).not.toBe(0);
    // gcc colours its messages (a terminal): compare without the escape codes.
    expect(terminal.output().replace(/\x1b\[[0-9;]*[A-Za-z]/g, "")).toMatch(
      /main\.c:2:\d+: error: .x. undeclared/,
    );
    expect(terminal.messages.some((m) => m.type === "status" && m.status === "compiling")).toBe(true);
  });

  it("stops a run on kill, and a new run of the same student stops the previous one", async () => {
    const looping = await started(student, { language: "python", code: "while True: pass" });
    const terminal = await openTerminal(url, looping.id, student.accessToken);
    await retryableAssertion(() =>
      expect(terminal.messages.some((m) => m.type === "status" && m.status === "running")).toBe(true),
    );
    terminal.send({ type: "kill" });
    expect(await terminal.exit).toMatchObject({ killedFor: "user", timedOut: false });

    const first = await started(student, { language: "python", code: "import time\ntime.sleep(20)" });
    const firstTerminal = await openTerminal(url, first.id, student.accessToken);
    await started(student, { language: "python", code: "print(1)" });
    expect((await firstTerminal.exit).killedFor).toBe("user");
  });

  it("ends a run at the session's wall time", async () => {
    const quick = await buildSession(server, teacher, { name: "Quick", runTimeLimitSeconds: 1 });
    expect(quick.runTimeLimitSeconds).toBe(1);
    await joinSession(server, student, quick.joinCode);
    const res = await startRun(
      student,
      { language: "python", code: "import time\ntime.sleep(30)" },
      quick.id,
    );
    expect(res.statusCode, res.body).toBe(201);
    const terminal = await openTerminal(url, res.json().run.id, student.accessToken);
    const exit = await terminal.exit;
    expect(exit).toMatchObject({ timedOut: true, killedFor: "time" });
    expect(exit.durationMs).toBeGreaterThanOrEqual(1000);
    expect(exit.durationMs).toBeLessThan(10_000);
  });

  it("lets the teacher run a student's code: the student's channel hears of it and the student attaches", async () => {
    const channel = await openChannel(url, session.id, classmate.accessToken);
    await channel.next((m) => m.type === "ready");
    const teacherChannel = await openChannel(url, session.id, teacher.accessToken);
    await teacherChannel.next((m) => m.type === "ready");
    const run = await started(teacher, {
      language: "javascript",
      userId: classmate.id,
      code: 'console.log("run by the teacher")',
    });
    expect(run.userId).toBe(classmate.id);
    const update = await channel.next((m) => m.type === "run_update" && m.run.id === run.id);
    expect(update).toMatchObject({
      run: { userId: classmate.id, startedBy: teacher.id, language: "javascript" },
    });
    const terminal = await openTerminal(url, run.id, classmate.accessToken);
    expect((await terminal.exit).exitCode).toBe(0);
    // The teacher's dashboard gets the final state with the output's tail.
    const done = await teacherChannel.next(
      (m) => m.type === "run_update" && m.run.id === run.id && m.run.status === "finished",
    );
    expect(done).toMatchObject({ run: { exitCode: 0, tail: expect.stringContaining("run by the teacher") } });
    // The other student hears nothing of it.
    expect(
      (await openChannel(url, session.id, student.accessToken)).messages.some((m) => m.type === "run_update"),
    ).toBe(false);
    // A new channel's roster carries the last run.
    const later = await openChannel(url, session.id, teacher.accessToken);
    const ready = await later.next((m) => m.type === "ready");
    expect(
      ready.type === "ready" && ready.roster.find((r) => r.userId === classmate.id)?.lastRun,
    ).toMatchObject({
      id: run.id,
      status: "finished",
      exitCode: 0,
    });
    for (const c of [channel, teacherChannel, later]) c.close();
  });

  it("refuses bad input with the catalogue's codes", async () => {
    const big = "#".repeat(LIMITS.codeBytes + 1);
    expectApiError(await startRun(student, { language: "python", code: big }), 413, "code_too_large");
    expectApiError(await startRun(student, { language: "cobol", code: "x" }), 422, "validation_failed");
    expectApiError(await startRun(student, { language: "python" }), 422, "validation_failed");
    expectApiError(await startRun(outsider, { language: "python", code: "print(1)" }), 403, "forbidden");
    expectApiError(
      await startRun(student, { language: "python", code: "print(1)", userId: classmate.id }),
      403,
      "forbidden",
    );
    expectApiError(
      await startRun(teacher, { language: "python", code: "print(1)", userId: outsider.id }),
      422,
      "validation_failed",
    );
    expectApiError(
      await startRun(student, { language: "python", code: "print(1)", stdin: "x".repeat(64 * 1024 + 1) }),
      422,
      "validation_failed",
    );
    expectApiError(
      await startRun(
        student,
        { language: "python", code: "print(1)" },
        "00000000-0000-4000-8000-000000000000",
      ),
      404,
      "not_found",
    );
    const ended = await buildSession(server, teacher, { name: "Over" });
    await joinSession(server, student, ended.joinCode);
    await server.call("POST", `/api/sessions/${ended.id}/end`, { token: teacher.accessToken });
    expectApiError(
      await startRun(student, { language: "python", code: "print(1)" }, ended.id),
      410,
      "session_ended",
    );
  });

  it("refuses terminal watchers who may not see the run", async () => {
    const run = await started(student, { language: "python", code: "print(2)" });
    expect(await (await openTerminal(url, run.id, null)).closed).toBe(CLOSE_CODES.unauthorized);
    expect(await (await openTerminal(url, run.id, "not-a-token")).closed).toBe(CLOSE_CODES.unauthorized);
    expect(await (await openTerminal(url, run.id, classmate.accessToken)).closed).toBe(CLOSE_CODES.forbidden);
    expect(await (await openTerminal(url, run.id, outsider.accessToken)).closed).toBe(CLOSE_CODES.forbidden);
    expect(
      await (await openTerminal(url, "00000000-0000-4000-8000-000000000000", student.accessToken)).closed,
    ).toBe(CLOSE_CODES.notFound);
    const other = await buildUser(server, { role: "teacher" });
    expect(await (await openTerminal(url, run.id, other.accessToken)).closed).toBe(CLOSE_CODES.forbidden);
    expectApiError(
      await server.call("GET", `/api/runs/${run.id}`, { token: classmate.accessToken }),
      404,
      "not_found",
    );
  });

  it("counts runs by outcome at /metrics", async () => {
    const res = await server.call("GET", "/metrics");
    expect(res.statusCode).toBe(200);
    const count = (labels: string) =>
      Number(new RegExp(`observer_runs_finished_total\\{${labels}\\} (\\d+)`).exec(res.body)?.[1] ?? 0);
    expect(count('language="python",outcome="ok"')).toBeGreaterThanOrEqual(3);
    expect(count('language="c",outcome="compile_error"')).toBe(1);
    expect(count('language="python",outcome="time"')).toBe(1);
    expect(res.body).toMatch(/observer_run_queue_wait_seconds_count [1-9]/);
    expect(res.body).toMatch(/observer_runs_running 0/);
  });

  it("stops a session's runs when it ends", async () => {
    const closing = await buildSession(server, teacher, { name: "Closing" });
    await joinSession(server, student, closing.joinCode);
    const res = await startRun(
      student,
      { language: "python", code: "import time\ntime.sleep(25)" },
      closing.id,
    );
    const terminal = await openTerminal(url, res.json().run.id, student.accessToken);
    await retryableAssertion(() =>
      expect(terminal.messages.some((m) => m.type === "status" && m.status === "running")).toBe(true),
    );
    await server.call("POST", `/api/sessions/${closing.id}/end`, { token: teacher.accessToken });
    expect((await terminal.exit).killedFor).toBe("user");
  });
});

describe("a run stopped by its CPU time limit", () => {
  it("is reported as the CPU limit with its figure, not as a time-out, in the exit, the tile and the API", async () => {
    // The operator's CPU limit, as OBSERVER_RUN_CPU_TIME sets it; the session keeps 30 s of wall time.
    const fromEnv = loadConfig({ OBSERVER_RUN_CPU_TIME: "1s" });
    if (!fromEnv.ok) throw new Error(fromEnv.problems.join("; "));
    expect(fromEnv.config.runs.limits).toEqual({ cpuTimeMs: 1000 });
    const server = await startTestServer({
      config: { runs: { ...testConfig().runs, limits: fromEnv.config.runs.limits } },
    });
    try {
      const url = await server.listen();
      const teacher = await buildUser(server, { role: "teacher" });
      const student = await buildUser(server, { name: "Spinner" });
      const session = await buildSession(server, teacher, { name: "CPU" });
      expect(session.runTimeLimitSeconds).toBe(30);
      await joinSession(server, student, session.joinCode);
      const tiles = await openChannel(url, session.id, teacher.accessToken);
      await tiles.next((m) => m.type === "ready");
      const res = await server.call("POST", `/api/sessions/${session.id}/runs`, {
        token: student.accessToken,
        body: { language: "python", code: "while True:\n    pass" },
      });
      expect(res.statusCode, res.body).toBe(201);
      const runId = res.json().run.id;
      const terminal = await openTerminal(url, runId, student.accessToken);
      const exit = await terminal.exit;
      expect(exit).toMatchObject({
        killedFor: "cpu",
        timedOut: false,
        signal: "SIGXCPU",
        exitCode: null,
        cpuTimeLimitMs: 1000,
      });
      expect(exit.durationMs).toBeLessThan(30_000);
      expect(terminal.output()).toContain("[CPU time limit of 1 s reached: the program was stopped.]");
      const tile = await tiles.next(
        (m) => m.type === "run_update" && m.run.id === runId && m.run.status === "finished",
      );
      expect(tile).toMatchObject({
        run: {
          killedFor: "cpu",
          timedOut: false,
          cpuTimeLimitMs: 1000,
          tail: expect.stringContaining("CPU time limit of 1 s reached"),
        },
      });
      tiles.close();
      await retryableAssertion(async () => {
        const stored = await server.call("GET", `/api/runs/${runId}`, { token: student.accessToken });
        expect(stored.json().run).toMatchObject({
          status: "finished",
          killedFor: "cpu",
          timedOut: false,
          signal: "SIGXCPU",
          cpuTimeLimitMs: 1000,
        });
      });
      // A late watcher replays the stored run with the same verdict.
      const replay = await openTerminal(url, runId, teacher.accessToken);
      expect(await replay.exit).toMatchObject({ killedFor: "cpu", timedOut: false, cpuTimeLimitMs: 1000 });
      const metrics = await server.call("GET", "/metrics");
      expect(metrics.body).toMatch(/observer_runs_finished_total\{language="python",outcome="cpu_time"\} 1/);
    } finally {
      await server.close();
    }
  });
});

describe("runs without a usable sandbox", () => {
  it("fail with a clear 503, and the languages say why", async () => {
    const server = await startTestServer({
      config: {
        runs: {
          runners: "local",
          sandbox: "bwrap",
          bwrapPath: "/nonexistent/bwrap",
          concurrency: null,
          limits: {},
          prepareAtStart: false,
          perMinute: 1000,
        },
      },
    });
    try {
      const teacher = await buildUser(server, { role: "teacher" });
      const session = await buildSession(server, teacher);
      const res = await server.call("POST", `/api/sessions/${session.id}/runs`, {
        token: teacher.accessToken,
        body: { language: "python", code: "print(1)" },
      });
      expectApiError(res, 503, "sandbox_unavailable");
      expect(res.json().error.message).toMatch(/bubblewrap \(bwrap\) is not installed/);
      const languages = await server.call("GET", "/api/languages", { token: teacher.accessToken });
      expect(languages.json().sandbox).toEqual({
        available: false,
        reason: expect.stringMatching(/bubblewrap/),
      });
      expect(await server.ctx.db.selectFrom("runs").select("id").execute()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("the run queue, through the API", () => {
  it("runs first in first out, tells each run its place, and the teacher's tiles follow", async () => {
    const server = await startTestServer({
      config: {
        runs: {
          runners: "local",
          sandbox: "bwrap",
          bwrapPath: null,
          concurrency: 1,
          limits: {},
          prepareAtStart: false,
          perMinute: 1000,
        },
      },
    });
    try {
      const url = await server.listen();
      const teacher = await buildUser(server, { role: "teacher" });
      const session = await buildSession(server, teacher);
      const students = [];
      for (const name of ["First", "Second", "Third"]) {
        const student = await buildUser(server, { name });
        await joinSession(server, student, session.joinCode);
        students.push(student);
      }
      const channel = await openChannel(url, session.id, teacher.accessToken);
      await channel.next((m) => m.type === "ready");
      const runs: Run[] = [];
      for (const [i, student] of students.entries()) {
        const res = await server.call("POST", `/api/sessions/${session.id}/runs`, {
          token: student.accessToken,
          body: { language: "python", code: `import time\ntime.sleep(0.4)\nprint("done ${i}")` },
        });
        expect(res.statusCode, res.body).toBe(201);
        runs.push(res.json().run);
      }
      const third = await openTerminal(url, runs[2]?.id as string, students[2]?.accessToken as string);
      await retryableAssertion(() =>
        expect(third.messages).toContainEqual({ type: "status", status: "queued", position: 2 }),
      );
      await channel.next((m) => m.type === "run_update" && m.run.id === runs[2]?.id && m.run.position === 2);
      await third.exit;
      expect(third.output()).toContain("done 2");
      // Its places went down one by one, then it ran.
      const states = third.messages.filter((m) => m.type === "status");
      expect(states.at(-1)).toEqual({ type: "status", status: "running" });
      expect(states).toContainEqual({ type: "status", status: "queued", position: 1 });
      const finished = await Promise.all(
        runs.map(async (run) => {
          await retryableAssertion(async () => {
            const res = await server.call("GET", `/api/runs/${run.id}`, { token: teacher.accessToken });
            expect(res.json().run.status).toBe("finished");
          });
          return (await server.call("GET", `/api/runs/${run.id}`, { token: teacher.accessToken })).json().run;
        }),
      );
      // Started in order of submission.
      const starts = finished.map((run) => Date.parse(run.startedAt));
      expect([...starts].sort((a, b) => a - b)).toEqual(starts);
      channel.close();
    } finally {
      await server.close();
    }
  });
});
