import type { AiLogEntry, AiSettingsBody, Session } from "@observer/protocol";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exchangesPage } from "../../src/storage/ai-exchanges.ts";
import { openChannel } from "../channel-client.ts";
import {
  buildSession,
  buildUser,
  expectApiError,
  joinSession,
  recordRun,
  saveCode,
  type TestUser,
} from "../factories.ts";
import { FAKE_SOLUTION_LINES, type FakeProvider, startAiFakes } from "../fakes/ai-fakes.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";
import { parseCsv, readZip } from "../zip-reader.ts";
import { answerOf, ask, traceback } from "./ai-support.ts";

const KEY = "sk-test-4f9a2c7e1b-KEYabcd";

describe("AI help", () => {
  let server: TestServer;
  let url: string;
  let fakes: Awaited<ReturnType<typeof startAiFakes>>;

  beforeAll(async () => {
    fakes = await startAiFakes({ apiKey: KEY, slowMs: 10_000, stallMs: 10_000 });
    server = await startTestServer({ config: { ai: { firstTokenTimeoutMs: 500, answerTimeoutMs: 20_000 } } });
    url = await server.listen();
  });
  afterAll(async () => {
    await server?.close();
    await fakes?.close();
  });

  const putSettings = (teacher: TestUser, body: AiSettingsBody) =>
    server.call("PUT", "/api/settings/ai", { token: teacher.accessToken, body });

  /** A teacher using the OpenAI fake with `model`. */
  async function useOpenAi(teacher: TestUser, model = "gpt-fake", apiKey: string | undefined = KEY) {
    const res = await putSettings(teacher, {
      provider: "openai",
      model,
      baseUrl: fakes.openai.baseUrl,
      ...(apiKey === undefined ? {} : { apiKey }),
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  /** A teacher, a session in `ai` mode, students with their own code and a failed run each. */
  async function classroom(mode: "off" | "hints" | "full" = "hints", names = ["Ada", "Ben"]) {
    const teacher = await buildUser(server, { role: "teacher", name: "Ms Lovelace" });
    const session: Session = await buildSession(server, teacher, { name: "Lists" });
    if (mode !== "off") await patch(teacher, session, { ai: mode });
    const students: { user: TestUser; code: string; output: string }[] = [];
    for (const [i, name] of names.entries()) {
      const user = await buildUser(server, { name });
      expect((await joinSession(server, user, session.joinCode)).statusCode).toBe(200);
      const code = `xs_${name} = [1, 2, 3]\nfor i in range(len(xs_${name}) + ${i + 1}):\n    print(xs_${name}[i])\n`;
      const output = traceback(3, `IndexError: list index out of range (marker ${name}-output)`);
      await saveCode(server, { sessionId: session.id, userId: user.id, code });
      await recordRun(server, { sessionId: session.id, userId: user.id, exitCode: 1, output });
      students.push({ user, code, output });
    }
    return { teacher, session, students };
  }

  async function patch(teacher: TestUser, session: Session, body: Record<string, unknown>) {
    const res = await server.call("PATCH", `/api/sessions/${session.id}`, {
      token: teacher.accessToken,
      body,
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  const exchanges = (sessionId: string) =>
    server.ctx.db
      .selectFrom("ai_exchanges")
      .selectAll()
      .where("session_id", "=", sessionId)
      .orderBy("asked_at")
      .execute();

  const lastRequest = (fake: FakeProvider) => fake.requests.at(-1);

  it("stores the key only encrypted, shows it masked, keeps it on a PUT without apiKey, removes it with null", async () => {
    const teacher = await buildUser(server, { role: "teacher" });
    expect((await server.call("GET", "/api/settings/ai", { token: teacher.accessToken })).json()).toEqual({
      settings: null,
    });
    await useOpenAi(teacher);
    const row = await server.ctx.db
      .selectFrom("ai_settings")
      .selectAll()
      .where("user_id", "=", teacher.id)
      .executeTakeFirstOrThrow();
    const column = String(row.api_key_encrypted);
    for (const form of [
      KEY,
      Buffer.from(KEY).toString("base64"),
      Buffer.from(KEY).toString("base64url"),
      Buffer.from(KEY).toString("hex"),
    ])
      expect(column).not.toContain(form);
    expect(column).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(KEY);

    const got = await server.call("GET", "/api/settings/ai", { token: teacher.accessToken });
    expect(got.json()).toEqual({
      settings: { provider: "openai", model: "gpt-fake", baseUrl: fakes.openai.baseUrl, apiKey: "••••abcd" },
    });
    expect(got.body).not.toContain(KEY);

    // Another model, no apiKey: the key stays (and still opens: the connection test passes with it).
    const kept = await putSettings(teacher, {
      provider: "openai",
      model: "gpt-other",
      baseUrl: fakes.openai.baseUrl,
    });
    expect(kept.json().settings).toMatchObject({ model: "gpt-other", apiKey: "••••abcd" });
    const tested = await server.call("POST", "/api/settings/ai/test", { token: teacher.accessToken });
    expect(tested.json()).toMatchObject({ ok: true, message: expect.stringContaining("OpenAI (gpt-other)") });
    expect(lastRequest(fakes.openai)?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(tested.body).not.toContain(KEY);

    const removed = await putSettings(teacher, { provider: "openai", model: "gpt-other", apiKey: null });
    expect(removed.json().settings).toMatchObject({ apiKey: null, baseUrl: null });
    expectApiError(
      await server.call("POST", "/api/settings/ai/test", { token: teacher.accessToken }),
      409,
      "ai_not_configured",
    );
  });

  it("tells the teacher what a failing connection test said, without the key", async () => {
    const teacher = await buildUser(server, { role: "teacher" });
    await useOpenAi(teacher, "gpt-fake", "sk-wrong-key-999999zzzz");
    const res = await server.call("POST", "/api/settings/ai/test", { token: teacher.accessToken });
    expect(res.json()).toMatchObject({
      ok: false,
      message: expect.stringContaining("refused the API key (401)"),
    });
    expect(res.body).not.toContain("sk-wrong-key-999999zzzz");
    const validation = await putSettings(teacher, { provider: "openai-compatible", model: "llama3" });
    expectApiError(validation, 422, "validation_failed");
  });

  it("refuses before streaming: AI off, no settings, over the limit, the teacher, another session's student", async () => {
    const { teacher, session, students } = await classroom("off");
    const ada = students[0]?.user as TestUser;
    const asked = (user: TestUser, sessionId = session.id) =>
      server.call("POST", `/api/sessions/${sessionId}/ai/ask`, {
        token: user.accessToken,
        body: { kind: "hint" },
      });
    await useOpenAi(teacher);
    expectApiError(await asked(ada), 403, "ai_disabled");

    // A session whose teacher never set AI up.
    const bare = await buildUser(server, { role: "teacher" });
    const bareSession = await buildSession(server, bare);
    await patch(bare, bareSession, { ai: "full" });
    await joinSession(server, ada, bareSession.joinCode);
    expectApiError(await asked(ada, bareSession.id), 409, "ai_not_configured");

    await patch(teacher, session, { ai: "hints", aiQuestionsPerHour: 2 });
    expectApiError(await asked(teacher), 403, "forbidden");
    const outsider = await buildUser(server, { name: "Outsider" });
    expectApiError(await asked(outsider), 404, "not_found");
    // Another session's student: Ben joins nothing of the bare teacher's.
    expectApiError(await asked(students[1]?.user as TestUser, bareSession.id), 404, "not_found");
    expect(await exchanges(bareSession.id)).toEqual([]);
    expect(await exchanges(session.id)).toEqual([]);

    expect((await asked(ada)).statusCode).toBe(200);
    expect((await asked(ada)).statusCode).toBe(200);
    const third = await asked(ada);
    expectApiError(third, 429, "ai_limit_reached");
    expect(third.json().error.message).toContain("2 times in the last hour");
    // The limit is per student.
    expect((await asked(students[1]?.user as TestUser)).statusCode).toBe(200);
    expect((await exchanges(session.id)).map((x) => x.status)).toEqual(["answered", "answered", "answered"]);

    const ended = await server.call("POST", `/api/sessions/${session.id}/end`, {
      token: teacher.accessToken,
    });
    expect(ended.statusCode).toBe(200);
    expectApiError(await asked(students[1]?.user as TestUser), 410, "session_ended");
  });

  it("sends the provider the student's own code and last output, and nothing of another student", async () => {
    const { teacher, session, students } = await classroom("full");
    await useOpenAi(teacher);
    const [ada, ben] = students as [(typeof students)[0], (typeof students)[0]];
    const res = await ask(url, session.id, ada.user, {
      kind: "question",
      message: "Why does my loop crash?",
    });
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/event-stream/);
    expect(res.events[0]).toMatchObject({ type: "start", mode: "full" });
    expect(res.events.at(-1)).toEqual({ type: "done", cut: false });
    expect(answerOf(res.events)).toContain(
      'You wrote: "The student asks a question. Their words: Why does my loop crash?"',
    );

    const sent = JSON.stringify(lastRequest(fakes.openai)?.body);
    expect(lastRequest(fakes.openai)).toMatchObject({ path: "/v1/chat/completions", model: "gpt-fake" });
    expect(lastRequest(fakes.openai)?.body).toMatchObject({ stream: true });
    expect(sent).toContain("xs_Ada = [1, 2, 3]");
    expect(sent).toContain("range(len(xs_Ada) + 1)");
    expect(sent).toContain("IndexError: list index out of range (marker Ada-output)");
    expect(sent).toContain("Language: Python");
    expect(sent).not.toContain("Ben");
    expect(sent).not.toContain(ben.user.id);
    expect(sent).not.toContain(ada.user.email);
  });

  it("hints mode cuts a full solution the model tries to hand over; full mode passes it", async () => {
    const { teacher, session, students } = await classroom("hints", ["Cleo"]);
    await useOpenAi(teacher, "fake-solution");
    const cleo = students[0]?.user as TestUser;
    const hinted = await ask(url, session.id, cleo, { kind: "hint" });
    expect(hinted.status).toBe(200);
    const text = answerOf(hinted.events);
    expect(hinted.events.at(-1)).toEqual({ type: "done", cut: true });
    expect(text).toContain(FAKE_SOLUTION_LINES[0]);
    for (const line of FAKE_SOLUTION_LINES.slice(5).filter((l) => l.trim() !== ""))
      expect(text).not.toContain(line);
    expect(text).toContain("Hints mode: the rest of this code was left out");
    expect(JSON.stringify(lastRequest(fakes.openai)?.body)).toContain("HINTS ONLY");
    const [stored] = await exchanges(session.id);
    expect(stored).toMatchObject({ status: "answered", cut: true, answer: text, mode: "hints" });

    await patch(teacher, session, { ai: "full" });
    const full = await ask(url, session.id, cleo, { kind: "hint" });
    expect(full.events.at(-1)).toEqual({ type: "done", cut: false });
    for (const line of FAKE_SOLUTION_LINES) expect(answerOf(full.events)).toContain(line);
  });

  it("a provider that is down, refuses the key or rate-limits is a 502 with its message, logged for the teacher", async () => {
    const { teacher, session, students } = await classroom("hints", ["Dan"]);
    const dan = students[0]?.user as TestUser;
    const cases: [string, string | undefined, string][] = [
      ["fake-down", KEY, "The AI provider failed (500): The server had an error"],
      [
        "gpt-fake",
        "sk-not-the-right-one-0000",
        "The AI provider refused the API key (401): Incorrect API key provided",
      ],
      ["fake-rate-limited", KEY, "The AI provider is rate-limiting this key (429): Rate limit reached"],
    ];
    for (const [model, key, message] of cases) {
      await useOpenAi(teacher, model, key);
      const res = await ask(url, session.id, dan, { kind: "explain_error" });
      expect(res.status, res.text).toBe(502);
      expect(res.json()).toEqual({
        error: { code: "ai_provider_error", message: expect.stringContaining(message) },
      });
      expect(res.text).not.toContain("sk-not-the-right-one-0000");
    }
    const log = await server.call("GET", `/api/sessions/${session.id}/ai/log`, {
      token: teacher.accessToken,
    });
    const entries: AiLogEntry[] = log.json().entries;
    expect(entries.map((e) => [e.status, e.kind, e.name])).toEqual([
      ["failed", "explain_error", "Dan"],
      ["failed", "explain_error", "Dan"],
      ["failed", "explain_error", "Dan"],
    ]);
    expect(entries.map((e) => e.error?.slice(0, 30))).toEqual(cases.map(([, , m]) => m.slice(0, 30)));
  });

  it("a provider too slow for its first words is stopped with a clear message, and its request aborted", async () => {
    const { teacher, session, students } = await classroom("hints", ["Eve"]);
    await useOpenAi(teacher, "fake-slow");
    const res = await ask(url, session.id, students[0]?.user as TestUser, { kind: "hint" });
    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({
      error: { code: "ai_provider_error", message: expect.stringContaining("too slow") },
    });
    const request = lastRequest(fakes.openai);
    expect(request?.model).toBe("fake-slow");
    await retryableAssertion(() => expect(request?.closedEarly).toBe(true));
    expect((await exchanges(session.id))[0]).toMatchObject({
      status: "failed",
      error: expect.stringContaining("too slow"),
    });
  });

  it("cancels when the student goes away mid-answer: the provider's request is aborted, the exchange cancelled", async () => {
    const { teacher, session, students } = await classroom("full", ["Fay"]);
    await useOpenAi(teacher, "fake-stall");
    const controller = new AbortController();
    const res = await fetch(`${url}/api/sessions/${session.id}/ai/ask`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${students[0]?.user.accessToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ kind: "hint" }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('"type":"start"');
    controller.abort();
    const request = lastRequest(fakes.openai);
    await retryableAssertion(() => expect(request?.closedEarly).toBe(true));
    await retryableAssertion(async () =>
      expect((await exchanges(session.id))[0]).toMatchObject({ status: "cancelled", error: null }),
    );
    expect((await exchanges(session.id))[0]?.answer.length).toBeGreaterThan(0);
  });

  it("shows every exchange to the teacher only: the log, and live on the channel", async () => {
    const { teacher, session, students } = await classroom("hints", ["Gus", "Hal"]);
    await useOpenAi(teacher);
    const [gus, hal] = students as [(typeof students)[0], (typeof students)[0]];
    const teacherChannel = await openChannel(url, session.id, teacher.accessToken);
    const halChannel = await openChannel(url, session.id, hal.user.accessToken);
    await teacherChannel.next((m) => m.type === "ready");
    await halChannel.next((m) => m.type === "ready");

    const res = await ask(url, session.id, gus.user, { kind: "hint" });
    expect(res.status).toBe(200);
    const started = await teacherChannel.next(
      (m) => m.type === "ai_exchange" && m.entry.status === "streaming",
    );
    const ended = await teacherChannel.next((m) => m.type === "ai_exchange" && m.entry.status === "answered");
    expect(started).toMatchObject({ entry: { userId: gus.user.id, name: "Gus", kind: "hint", answer: "" } });
    expect(ended).toMatchObject({ entry: { userId: gus.user.id, answer: answerOf(res.events), cut: false } });
    // Hal hears nothing of Gus's question (he still hears session-wide events).
    await patch(teacher, session, { name: "Lists, part 2" });
    await halChannel.next((m) => m.type === "session_updated");
    expect(halChannel.messages.filter((m) => m.type === "ai_exchange")).toEqual([]);

    const log = await server.call("GET", `/api/sessions/${session.id}/ai/log`, {
      token: teacher.accessToken,
    });
    expect(log.json().entries).toMatchObject([
      {
        userId: gus.user.id,
        name: "Gus",
        kind: "hint",
        message: "",
        answer: answerOf(res.events),
        status: "answered",
        mode: "hints",
      },
    ]);
    expectApiError(
      await server.call("GET", `/api/sessions/${session.id}/ai/log`, { token: gus.user.accessToken }),
      403,
      "forbidden",
    );

    // And in the export, as ai-log.csv.
    const zip = await fetch(`${url}/api/sessions/${session.id}/export.zip`, {
      headers: { authorization: `Bearer ${teacher.accessToken}` },
    });
    const files = await readZip(Buffer.from(await zip.arrayBuffer()));
    const rows = parseCsv(files.get("ai-log.csv")?.toString("utf8") ?? "");
    expect(rows[0]).toEqual([
      "exchange_id",
      "user_id",
      "name",
      "kind",
      "mode",
      "message",
      "answer",
      "status",
      "error",
      "cut",
      "asked_at",
      "finished_at",
    ]);
    expect(rows.slice(1).map((r) => [r[1], r[2], r[3], r[6], r[7]])).toEqual([
      [gus.user.id, "Gus", "hint", answerOf(res.events), "answered"],
    ]);
    teacherChannel.close();
    halChannel.close();
  });

  it.each([
    ["openai", "gpt-fake", () => fakes.openai, "/v1/chat/completions"],
    ["openai-compatible", "llama3.1", () => fakes.openai, "/v1/chat/completions"],
    ["anthropic", "claude-fake", () => fakes.anthropic, "/v1/messages"],
    ["google", "gemini-fake", () => fakes.gemini, "/v1beta/models/gemini-fake:streamGenerateContent"],
  ] as const)("streams an answer through %s", async (provider, model, fake, path) => {
    const { teacher, session, students } = await classroom("hints", ["Ivy"]);
    const res0 = await putSettings(teacher, { provider, model, baseUrl: fake().baseUrl, apiKey: KEY });
    expect(res0.statusCode, res0.body).toBe(200);
    const res = await ask(url, session.id, students[0]?.user as TestUser, { kind: "hint" });
    expect(res.status, res.text).toBe(200);
    expect(res.events.filter((e) => e.type === "delta").length).toBeGreaterThan(3);
    expect(answerOf(res.events)).toContain('You wrote: "The student asks for a hint on what to do next."');
    expect(res.events.at(-1)).toEqual({ type: "done", cut: false });
    const request = lastRequest(fake());
    expect(request?.path).toBe(path);
    expect(JSON.stringify(request?.body)).toContain("xs_Ivy");
    if (provider === "anthropic") expect(request?.headers["x-api-key"]).toBe(KEY);
    else if (provider === "google") {
      expect(request?.headers["x-goog-api-key"]).toBe(KEY);
      expect(request?.query).toBe("?alt=sse");
    } else expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("pages the log for the export in order, none twice, also within one millisecond", async () => {
    const { session, students } = await classroom("hints", ["Jo"]);
    const userId = students[0]?.user.id as string;
    const base = Date.parse("2026-12-03T10:00:00.000Z");
    const ids = Array.from({ length: 7 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);
    for (const [i, id] of ids.entries()) {
      await server.ctx.db
        .insertInto("ai_exchanges")
        .values({
          id,
          session_id: session.id,
          user_id: userId,
          kind: "hint",
          mode: "hints",
          // Rows 1-4 share a millisecond (microseconds apart).
          asked_at: sql`${new Date(base + (i >= 1 && i <= 4 ? 1 : i)).toISOString()}::timestamptz + ${`${i} microseconds`}::interval`,
        } as never)
        .execute();
    }
    const seen: string[] = [];
    let after: { askedAt: Date; id: string } | null = null;
    do {
      const page: Awaited<ReturnType<typeof exchangesPage>> = await exchangesPage(server.ctx.db, session.id, {
        after,
        limit: 2,
      });
      seen.push(...page.rows.map((r) => r.id));
      after = page.next;
    } while (after);
    expect(seen).toEqual(ids);
  });

  it("stops an answer that streams for too long with an error event, keeping what came", async () => {
    const quick = await startTestServer({
      config: { ai: { firstTokenTimeoutMs: 5000, answerTimeoutMs: 1000 } },
    });
    try {
      const quickUrl = await quick.listen();
      const teacher = await buildUser(quick, { role: "teacher" });
      const session = await buildSession(quick, teacher);
      await quick.call("PATCH", `/api/sessions/${session.id}`, {
        token: teacher.accessToken,
        body: { ai: "full" },
      });
      await quick.call("PUT", "/api/settings/ai", {
        token: teacher.accessToken,
        body: { provider: "anthropic", model: "fake-stall", baseUrl: fakes.anthropic.baseUrl, apiKey: KEY },
      });
      const student = await buildUser(quick, { name: "Kim" });
      await joinSession(quick, student, session.joinCode);
      const res = await ask(quickUrl, session.id, student, { kind: "hint" });
      expect(res.status).toBe(200);
      expect(res.events[0]).toMatchObject({ type: "start" });
      expect(answerOf(res.events).length).toBeGreaterThan(0);
      expect(res.events.at(-1)).toEqual({
        type: "error",
        code: "ai_provider_error",
        message: "The answer took longer than 1 s and was stopped.",
      });
      const request = lastRequest(fakes.anthropic);
      await retryableAssertion(() => expect(request?.closedEarly).toBe(true));
      const [row] = await quick.ctx.db.selectFrom("ai_exchanges").selectAll().execute();
      expect(row).toMatchObject({
        status: "failed",
        answer: answerOf(res.events),
        error: "The answer took longer than 1 s and was stopped.",
      });
    } finally {
      await quick.close();
    }
  });

  describe("the class digest", () => {
    async function failingClass() {
      const teacher = await buildUser(server, { role: "teacher" });
      const session = await buildSession(server, teacher, { name: "Digest" });
      const errors = [
        ["Ann", 4, "IndexError: list index out of range"],
        ["Bob", 4, "IndexError: list index out of range"],
        ["Cat", 7, "IndexError: list index out of range"],
        ["Dov", 2, "NameError: name 'totl' is not defined"],
        ["Eli", 5, "NameError: name 'cnt' is not defined"],
        ["Flo", 3, "ZeroDivisionError: division by zero"],
        ["Gil", 0, null],
      ] as const;
      const ids = new Map<string, string>();
      for (const [name, line, error] of errors) {
        const user = await buildUser(server, { name });
        await joinSession(server, user, session.joinCode);
        ids.set(name, user.id);
        await saveCode(server, {
          sessionId: session.id,
          userId: user.id,
          code: `# ${name}\nxs = [1]\n\nprint(xs[3])\n`,
        });
        // An earlier success does not hide the latest failure; Gil's latest run succeeded.
        await recordRun(server, { sessionId: session.id, userId: user.id, exitCode: 0, output: "ok\r\n" });
        if (error)
          await recordRun(server, {
            sessionId: session.id,
            userId: user.id,
            exitCode: 1,
            output: traceback(line, error),
          });
      }
      const students = (...names: string[]) => names.map((name) => ({ userId: ids.get(name), name }));
      return { teacher, session, students };
    }

    it("groups the latest failing runs by error, biggest first, worded by the model", async () => {
      const { teacher, session, students } = await failingClass();
      await useOpenAi(teacher);
      const res = await server.call("POST", `/api/sessions/${session.id}/ai/digest`, {
        token: teacher.accessToken,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        failingStudents: 6,
        clusters: [
          { title: "AI title 1", explanation: "AI explanation 1.", students: students("Ann", "Bob", "Cat") },
          { title: "AI title 2", explanation: "AI explanation 2.", students: students("Dov", "Eli") },
          { title: "AI title 3", explanation: "AI explanation 3.", students: students("Flo") },
        ],
      });
      const prompt = JSON.stringify(lastRequest(fakes.openai)?.body);
      expect(prompt).toContain("Group 1: IndexError: list index out of range (3 students)");
      expect(prompt).toContain("Group 2: NameError: name '…' is not defined (2 students)");
      expect(prompt).toContain("print(xs[3])");
      for (const name of ["Ann", "Bob", "Dov", "Flo"]) expect(prompt).not.toContain(`"${name}`);
      expectApiError(
        await server.call("POST", `/api/sessions/${session.id}/ai/digest`, {
          token: (await buildUser(server)).accessToken,
        }),
        404,
        "not_found",
      );
    });

    it("keeps the plain titles when the model fails or AI is not set up", async () => {
      const { teacher, session, students } = await failingClass();
      const plain = [
        {
          title: "IndexError: list index out of range",
          explanation: "3 students' latest run ends with this error (most often at line 4).",
          students: students("Ann", "Bob", "Cat"),
        },
        { title: "NameError: name '…' is not defined", students: students("Dov", "Eli") },
        {
          title: "ZeroDivisionError: division by zero",
          explanation: "1 student's latest run ends with this error (most often at line 3).",
          students: students("Flo"),
        },
      ];
      const without = await server.call("POST", `/api/sessions/${session.id}/ai/digest`, {
        token: teacher.accessToken,
      });
      expect(without.json()).toMatchObject({ failingStudents: 6, clusters: plain });
      await useOpenAi(teacher, "fake-down");
      const down = await server.call("POST", `/api/sessions/${session.id}/ai/digest`, {
        token: teacher.accessToken,
      });
      expect(down.json()).toMatchObject({ failingStudents: 6, clusters: plain });
      expect(lastRequest(fakes.openai)?.model).toBe("fake-down");
    });
  });
});
