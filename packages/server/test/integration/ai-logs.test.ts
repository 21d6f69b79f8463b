import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startOpenAiFake } from "../fakes/ai-fakes.ts";
import {
  SPAWNED_SERVER_TEST_TIMEOUT_MS,
  type SpawnedServer,
  spawnedDatabaseEnv,
  spawnServer,
  waitHealthy,
} from "../spawn-server.ts";
import { parseEvents } from "./ai-support.ts";

const KEY = "sk-logcheck-7d1e5a90c3b2f4-LOGS";
const WRONG_KEY = "sk-wrong-logcheck-000111222333";

/** Every form a key could take in a log line. */
const formsOf = (key: string) => [
  key,
  key.slice(0, 16),
  key.slice(-12),
  Buffer.from(key).toString("base64"),
  Buffer.from(key).toString("base64url"),
  Buffer.from(key).toString("hex"),
];

/**
 * The real process (main.ts) at log level trace, its output captured: setting the key, testing
 * the connection (right and wrong key) and asking (answered and failed) never log the key.
 */
describe("AI keys in the logs", () => {
  let server: SpawnedServer;
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await startOpenAiFake({ apiKey: KEY });
    server = await spawnServer({
      ...spawnedDatabaseEnv,
      LOG_LEVEL: "trace",
      OBSERVER_SECRET_KEY: randomBytes(32).toString("base64"),
    });
    await waitHealthy(server);
  }, SPAWNED_SERVER_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await server?.stop();
    await fake?.close();
  });

  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) };
  };

  const register = async (role: "teacher" | "student", name: string) => {
    const res = await call("POST", "/api/auth/register", null, {
      email: `${name.toLowerCase()}-${randomBytes(3).toString("hex")}@example.org`,
      password: "correct horse battery",
      name,
      role,
    });
    expect(res.status, res.text).toBe(201);
    return res.json().accessToken as string;
  };

  it(
    "never writes the key, whole or in part, encoded or not",
    async () => {
      await register("teacher", "Admin");
      const teacher = await register("teacher", "Teacher");
      const settings = { provider: "openai", model: "gpt-fake", baseUrl: fake.baseUrl };
      expect((await call("PUT", "/api/settings/ai", teacher, { ...settings, apiKey: KEY })).status).toBe(200);
      expect((await call("POST", "/api/settings/ai/test", teacher)).json()).toMatchObject({ ok: true });

      const created = await call("POST", "/api/sessions", teacher, { name: "Logs", language: "python" });
      const session = created.json().session;
      expect((await call("PATCH", `/api/sessions/${session.id}`, teacher, { ai: "hints" })).status).toBe(200);
      const student = await register("student", "Student");
      expect((await call("POST", "/api/sessions/join", student, { joinCode: session.joinCode })).status).toBe(
        200,
      );
      const asked = await call("POST", `/api/sessions/${session.id}/ai/ask`, student, { kind: "hint" });
      expect(asked.status).toBe(200);
      expect(parseEvents(asked.text).at(-1)).toMatchObject({ type: "done" });

      expect(
        (await call("PUT", "/api/settings/ai", teacher, { ...settings, apiKey: WRONG_KEY })).status,
      ).toBe(200);
      expect((await call("POST", "/api/settings/ai/test", teacher)).json()).toMatchObject({ ok: false });
      const failed = await call("POST", `/api/sessions/${session.id}/ai/ask`, student, { kind: "hint" });
      expect(failed.status).toBe(502);
      await call("POST", `/api/sessions/${session.id}/ai/digest`, teacher);
      await server.stop();

      const output = server.output();
      // The capture holds what the requests logged (at trace level), so it could hold a key.
      expect(output).toContain("AI settings saved");
      expect(output).toContain("AI question asked");
      expect(output).toContain("/api/settings/ai");
      for (const form of [...formsOf(KEY), ...formsOf(WRONG_KEY)]) expect(output).not.toContain(form);
      // The fake did get the keys: they were in play.
      expect(fake.requests.map((r) => r.headers.authorization)).toEqual(
        expect.arrayContaining([`Bearer ${KEY}`, `Bearer ${WRONG_KEY}`]),
      );
    },
    SPAWNED_SERVER_TEST_TIMEOUT_MS,
  );
});
