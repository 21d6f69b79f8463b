import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GithubFake, startGithubFake } from "../fakes/github-fake.ts";
import {
  SPAWNED_SERVER_TEST_TIMEOUT_MS,
  type SpawnedServer,
  spawnedDatabaseEnv,
  spawnServer,
  waitHealthy,
} from "../spawn-server.ts";

/** Every form a token could take in a log line. */
const formsOf = (token: string) => [
  token,
  token.slice(4, 20),
  token.slice(-12),
  Buffer.from(token).toString("base64"),
  Buffer.from(token).toString("base64url"),
];

/**
 * The real process (main.ts) at log level trace, its output captured, against the fake GitHub:
 * signing in, linking, saving, archiving and unlinking never log a GitHub token or the client secret.
 */
describe("GitHub tokens in the logs", () => {
  let server: SpawnedServer;
  let fake: GithubFake;
  beforeAll(async () => {
    fake = await startGithubFake();
    server = await spawnServer({
      ...spawnedDatabaseEnv,
      LOG_LEVEL: "trace",
      OBSERVER_SECRET_KEY: randomBytes(32).toString("base64"),
      GITHUB_CLIENT_ID: fake.clientId,
      GITHUB_CLIENT_SECRET: fake.clientSecret,
      GITHUB_API_URL: fake.apiUrl,
      GITHUB_WEB_URL: fake.webUrl,
    });
    await waitHealthy(server);
  }, SPAWNED_SERVER_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await server?.stop();
    await fake?.close();
  });

  const call = async (
    method: string,
    path: string,
    options: { token?: string; cookie?: string; body?: unknown } = {},
  ) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      redirect: "manual",
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.cookie ? { cookie: options.cookie } : {}),
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  };

  /** The cookie the start of a flow set in the browser (the state's: github/state-cookie.ts). */
  const stateCookieOf = (start: { headers: Headers }) =>
    (start.headers.get("set-cookie") ?? "").match(/observer_github_state=[^;]+/)?.[0] as string;

  /** A browser's round trip through GitHub: our redirect, the fake's approval, our callback. */
  const throughGithub = async (authorizeUrl: string, login: string, stateCookie: string) => {
    const approve = new URL(authorizeUrl);
    approve.searchParams.set("login", login);
    const back = (await fetch(approve, { redirect: "manual" })).headers.get("location") as string;
    expect(back.startsWith(`${server.url}/api/auth/github/callback?`)).toBe(true);
    return call("GET", back.slice(server.url.length), { cookie: stateCookie });
  };

  it(
    "never writes a token (whole, in part or encoded) nor the client secret",
    async () => {
      const admin = await call("POST", "/api/auth/register", {
        body: {
          email: "admin@example.org",
          password: "correct horse battery",
          name: "Admin",
          role: "teacher",
        },
      });
      expect(admin.status, admin.text).toBe(201);
      const teacherToken: string = admin.json().accessToken;
      fake.addUser({ login: "log-teacher" });
      fake.addUser({ login: "log-student" });

      const link = await call("POST", "/api/auth/github/link", { token: teacherToken });
      expect(
        (await throughGithub(link.json().url, "log-teacher", stateCookieOf(link))).headers.get("location"),
      ).toBe("/settings?github=linked");
      const session = (
        await call("POST", "/api/sessions", {
          token: teacherToken,
          body: { name: "Logs", language: "python" },
        })
      ).json().session;

      const start = await call("GET", "/api/auth/github");
      const signedIn = await throughGithub(
        start.headers.get("location") as string,
        "log-student",
        stateCookieOf(start),
      );
      expect(signedIn.status).toBe(302);
      const cookie = (signedIn.headers.get("set-cookie") ?? "").match(
        /observer_refresh=[^;]+/,
      )?.[0] as string;
      const refreshed = await call("POST", "/api/auth/refresh", { cookie });
      expect(refreshed.status, refreshed.text).toBe(200);
      const studentToken: string = refreshed.json().accessToken;
      await call("POST", "/api/sessions/join", { token: studentToken, body: { joinCode: session.joinCode } });
      const saved = await call("POST", `/api/sessions/${session.id}/github/save`, {
        token: studentToken,
        body: {},
      });
      expect(saved.status, saved.text).toBe(200);

      fake.createRepo("log-teacher/archive");
      const archived = await call("POST", `/api/sessions/${session.id}/archive`, {
        token: teacherToken,
        body: { repo: "log-teacher/archive" },
      });
      expect(archived.status, archived.text).toBe(200);
      expect((await call("DELETE", "/api/settings/github", { token: teacherToken })).status).toBe(204);
      await server.stop();

      const output = server.output();
      // The capture holds what the requests logged (at trace level), so it could hold a token.
      expect(output).toContain("GitHub linked");
      expect(output).toContain("account created by GitHub sign-in");
      expect(output).toContain("session archived");
      expect(output).toContain("/api/auth/github/callback");
      expect(fake.tokens).toHaveLength(2);
      for (const { token } of fake.tokens)
        for (const form of formsOf(token)) expect(output).not.toContain(form);
      expect(output).not.toContain(fake.clientSecret);
      expect(fake.invalidRequests).toEqual([]);
    },
    SPAWNED_SERVER_TEST_TIMEOUT_MS,
  );
});
