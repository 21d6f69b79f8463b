import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ACCOUNT_CEILING_FACTOR } from "../../src/auth/login-throttle.ts";
import type { Config } from "../../src/config.ts";
import { loadConfig } from "../../src/env.ts";
import { buildSession, buildUser, expectApiError, joinSession, type TestUser } from "../factories.ts";
import { startTestServer, type TestServer, testConfig } from "../support.ts";

/**
 * Rate limits as an install gets them by default (settings from the environment, as
 * main.ts loads them): a class behind one address must get in; a password guesser must not.
 */

const THROTTLE_WINDOW_MS = 15 * 60 * 1000;

describe("rate limits with the default settings", () => {
  let server: TestServer;
  let limits: Config["rateLimits"];
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "observer-rate-limits-"));
    const loaded = loadConfig({ ...process.env, OBSERVER_DATA_DIR: dataDir });
    if (!loaded.ok) throw new Error(loaded.problems.join("; "));
    // Everything as loaded, except where the data lives, the log level and the port.
    const { database: _database, logLevel: _logLevel, port: _port, ...fromEnv } = loaded.config;
    limits = fromEnv.rateLimits;
    server = await startTestServer({ config: fromEnv });
    expect(server.config.rateLimits).toEqual(limits);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const login = (email: string, password: string, remoteAddress = "127.0.0.1") =>
    server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      remoteAddress,
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ email, password }),
    });

  /** Wrong passwords until the first 429 (at most `max` tries); returns every reply. */
  async function guess(email: string, max: number, address = () => "127.0.0.1") {
    const replies: LightMyRequestResponse[] = [];
    for (let i = 0; i < max; i++) {
      const res = await login(email, `wrong guess ${i}`, address());
      replies.push(res);
      if (res.statusCode === 429) break;
    }
    return replies;
  }

  function expectThrottled(res: LightMyRequestResponse) {
    expect(res.statusCode, res.body).toBe(429);
    expectApiError(res, 429, res.json().error.code === "rate_limited" ? "rate_limited" : "login_throttled");
  }

  it("a class of 40 students from one address all register and then all log in (80 requests in a minute, all 2xx)", async () => {
    const started = Date.now();
    const tag = randomBytes(3).toString("hex");
    const pupils = Array.from({ length: 40 }, (_, i) => ({
      email: `pupil${i}-${tag}@school.example`,
      password: `pupil ${i} password`,
      name: `Pupil ${i}`,
    }));
    const registered = await Promise.all(
      pupils.map((p) => server.call("POST", "/api/auth/register", { body: { ...p, role: "student" } })),
    );
    expect(registered.map((r) => r.statusCode)).toEqual(pupils.map(() => 201));
    const logins = await Promise.all(pupils.map((p) => login(p.email, p.password)));
    expect(logins.map((r) => r.statusCode)).toEqual(pupils.map(() => 200));
    expect(logins.map((r) => r.json().user.email)).toEqual(pupils.map((p) => p.email));
    // The per-address limit applied to these routes, and the class fit under it.
    expect(Number(logins[0]?.headers["x-ratelimit-limit"])).toBe(limits.authPerMinute);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("a school of 400 behind one address: every student signing in and loading the app in one minute is never 429", async () => {
    // Per student in the first minute of a lesson: the app's config and a refresh at page
    // load, a login (or a registration), and one retry after a typo; signed-in calls count
    // per user and are not part of this budget.
    const students = 400;
    const call = (method: "GET" | "POST", url: string, payload?: unknown) =>
      server.app.inject({
        method,
        url,
        remoteAddress: "192.0.2.200",
        ...(payload === undefined
          ? {}
          : { headers: { "content-type": "application/json" }, payload: JSON.stringify(payload) }),
      });
    const statuses = new Map<string, number[]>();
    const record = (what: string, res: LightMyRequestResponse) =>
      statuses.set(what, [...(statuses.get(what) ?? []), res.statusCode]);
    for (let i = 0; i < students; i++) {
      record("config", await call("GET", "/api/config"));
      record("refresh", await call("POST", "/api/auth/refresh"));
      // Invalid bodies (422) are counted like real ones, without 800 password hashes.
      record("login", await call("POST", "/api/auth/login", { email: `s${i}@school.example` }));
      record("login", await call("POST", "/api/auth/login", { email: `s${i}@school.example` }));
      record("register", await call("POST", "/api/auth/register", { email: `s${i}@school.example` }));
    }
    for (const [what, codes] of statuses) expect(codes.filter((c) => c === 429).length, what).toBe(0);
    expect(statuses.get("login")?.length).toBe(2 * students);
    expect(limits.authPerMinute).toBeGreaterThanOrEqual(2 * students);
  });

  it("guessing one account's password gets 429 within 20 tries; the guesser's right password is refused, the owner elsewhere gets in", async () => {
    const victim = await buildUser(server, { role: "teacher" });
    const replies = await guess(victim.email, 20, () => "198.51.100.66");
    const last = replies.at(-1) as LightMyRequestResponse;
    expectThrottled(last);
    expect(replies.length).toBe(limits.loginFailuresPerAccount + 1);
    for (const r of replies.slice(0, -1)) expectApiError(r, 401, "invalid_credentials");
    // From the guessing address the right password does not get in either (a lucky guess is worthless).
    expectThrottled(await login(victim.email, victim.password, "198.51.100.66"));
    expectThrottled(await login(victim.email.toUpperCase(), victim.password, "198.51.100.66"));
    // The owner, from their own address, is not locked out by a stranger's guesses.
    const owner = await login(victim.email, victim.password, "203.0.113.20");
    expect(owner.statusCode, owner.body).toBe(200);
    expect(owner.json().user.id).toBe(victim.id);
    // ... and again and again: the stranger can keep guessing, the owner keeps getting in.
    expectThrottled((await guess(victim.email, 5, () => "198.51.100.66")).at(-1) as LightMyRequestResponse);
    expect((await login(victim.email, victim.password, "203.0.113.20")).statusCode).toBe(200);
  });

  it("another account from the same address still logs in while one account is throttled", async () => {
    const victim = await buildUser(server);
    const bystander = await buildUser(server);
    expectThrottled((await guess(victim.email, 20)).at(-1) as LightMyRequestResponse);
    const res = await login(bystander.email, bystander.password);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.id).toBe(bystander.id);
  });

  it("guesses spread over many addresses stop at the account's ceiling (10 times the per-address limit)", async () => {
    const victim = await buildUser(server);
    const ceiling = limits.loginFailuresPerAccount * ACCOUNT_CEILING_FACTOR;
    let n = 0;
    // Each address stays under its own limit; together they reach the account's ceiling.
    const perAddress = limits.loginFailuresPerAccount - 1;
    const replies = await guess(
      victim.email,
      ceiling + 5,
      () => `10.0.0.${Math.floor(n++ / perAddress) + 1}`,
    );
    expect(replies.length).toBe(ceiling + 1);
    expectThrottled(replies.at(-1) as LightMyRequestResponse);
    expectThrottled(await login(victim.email, victim.password, "10.9.9.9"));
  });

  it("the throttle lasts until its window passes, then the right password works again", async () => {
    // The in-process throttle keeps time with Date; a shared Redis keeps its own clock.
    expect(server.config.redisUrl).toBeNull();
    const victim: TestUser = await buildUser(server);
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    expectThrottled((await guess(victim.email, 20)).at(-1) as LightMyRequestResponse);
    vi.setSystemTime(start + THROTTLE_WINDOW_MS - 60_000);
    expectThrottled(await login(victim.email, victim.password));
    vi.setSystemTime(start + THROTTLE_WINDOW_MS + 1000);
    const res = await login(victim.email, victim.password);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.id).toBe(victim.id);
  });
});

describe("authenticated traffic is limited per user, not per address", () => {
  let server: TestServer;
  const API_LIMIT = 5;
  const RUN_LIMIT = 3;
  beforeAll(async () => {
    server = await startTestServer({
      config: {
        rateLimits: { apiPerMinute: API_LIMIT, authPerMinute: 10_000, loginFailuresPerAccount: 10 },
        runs: { ...testConfig().runs, perMinute: RUN_LIMIT },
      },
    });
  });
  afterAll(() => server?.close());

  /** Every call from the one address of a school. */
  const schoolCall = (method: "GET" | "POST", url: string, token?: string, body?: unknown) =>
    server.app.inject({
      method,
      url,
      remoteAddress: "192.0.2.50",
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  it("one student over the limit gets 429; the teacher and another student at the same address do not", async () => {
    const noisy = await buildUser(server);
    const quiet = await buildUser(server);
    const teacher = await buildUser(server, { role: "teacher" });
    const codes: number[] = [];
    for (let i = 0; i <= API_LIMIT; i++)
      codes.push((await schoolCall("GET", "/api/auth/me", noisy.accessToken)).statusCode);
    expect(codes).toEqual([...Array(API_LIMIT).fill(200), 429]);
    expect((await schoolCall("GET", "/api/auth/me", quiet.accessToken)).statusCode).toBe(200);
    expect((await schoolCall("GET", "/api/auth/me", teacher.accessToken)).statusCode).toBe(200);
    // A forged or foreign token is no way around the limit: it counts per address.
    const anonymous: number[] = [];
    for (let i = 0; i <= API_LIMIT; i++)
      anonymous.push((await schoolCall("GET", "/api/auth/me", `forged.${i}.token`)).statusCode);
    expect(anonymous).toEqual([...Array(API_LIMIT).fill(401), 429]);
  });

  it("runs count per student and session: one student's runs do not stop the class or the teacher", async () => {
    const teacher = await buildUser(server, { role: "teacher" });
    const session = await buildSession(server, teacher);
    const other = await buildSession(server, teacher);
    const [eager, classmate] = [await buildUser(server), await buildUser(server)];
    for (const s of [session, other])
      for (const u of [eager, classmate]) await joinSession(server, u, s.joinCode);
    // Invalid bodies (422) count like runs, without starting programs.
    const run = (user: TestUser, sessionId: string) =>
      schoolCall("POST", `/api/sessions/${sessionId}/runs`, user.accessToken, {});
    const codes: number[] = [];
    for (let i = 0; i <= RUN_LIMIT; i++) codes.push((await run(eager, session.id)).statusCode);
    expect(codes).toEqual([...Array(RUN_LIMIT).fill(422), 429]);
    expect((await run(classmate, session.id)).statusCode).toBe(422);
    expect((await run(teacher, session.id)).statusCode).toBe(422);
    expect((await run(eager, other.id)).statusCode).toBe(422);
  });
});

describe("the shipped proxy set-up (deploy/): a client cannot pick its own address", () => {
  const repo = path.resolve(import.meta.dirname, "../../../..");
  const shipped = {
    "deploy/observer.env.example (systemd, nginx on the same host)": {
      value: /^TRUST_PROXY=(.*)$/m.exec(
        readFileSync(path.join(repo, "deploy/observer.env.example"), "utf8"),
      )?.[1],
      proxyAddress: "127.0.0.1",
    },
    "deploy/compose.yaml (host nginx into the container)": {
      value: /^\s*TRUST_PROXY:\s*"?([^"\n]*)"?\s*$/m.exec(
        readFileSync(path.join(repo, "deploy/compose.yaml"), "utf8"),
      )?.[1],
      // Docker's gateway on the compose network: an address not known in advance.
      proxyAddress: "172.18.0.1",
    },
  };

  for (const [where, { value, proxyAddress }] of Object.entries(shipped)) {
    it(`${where}: forged X-Forwarded-For entries neither escape the login throttle nor the per-address limit`, async () => {
      expect(value, "TRUST_PROXY is set").toBeDefined();
      const dataDir = mkdtempSync(path.join(tmpdir(), "observer-proxy-"));
      const loaded = loadConfig({
        NODE_ENV: "production",
        OBSERVER_DATA_DIR: dataDir,
        JWT_SECRET: "a-production-secret-of-at-least-32-characters",
        OBSERVER_SECRET_KEY: Buffer.alloc(32, 1).toString("base64"),
        TRUST_PROXY: value,
      });
      rmSync(dataDir, { recursive: true, force: true });
      if (!loaded.ok) throw new Error(loaded.problems.join("; "));
      const server = await startTestServer({ config: { trustProxy: loaded.config.trustProxy } });
      try {
        // nginx appends the real client to whatever the client sent.
        const viaProxy = (
          method: "GET" | "POST",
          url: string,
          forged: string,
          client: string,
          body?: unknown,
        ) =>
          server.app.inject({
            method,
            url,
            remoteAddress: proxyAddress,
            headers: {
              "x-forwarded-for": `${forged}, ${client}`,
              ...(body === undefined ? {} : { "content-type": "application/json" }),
            },
            ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
          });
        const victim = await buildUser(server);
        const replies: LightMyRequestResponse[] = [];
        for (let i = 0; i <= server.config.rateLimits.loginFailuresPerAccount; i++) {
          replies.push(
            await viaProxy("POST", "/api/auth/login", `10.1.${i}.7`, "198.51.100.7", {
              email: victim.email,
              password: `wrong ${i}`,
            }),
          );
        }
        expect(replies.map((r) => r.statusCode).at(-1)).toBe(429);
        // The real client address is what the limits count: one bucket, however forged.
        const remaining = [];
        for (let i = 0; i < 3; i++) {
          const res = await viaProxy("GET", "/api/config", `10.2.${i}.9`, "198.51.100.8");
          remaining.push(Number(res.headers["x-ratelimit-remaining"]));
        }
        expect(remaining[1]).toBe((remaining[0] as number) - 1);
        expect(remaining[2]).toBe((remaining[0] as number) - 2);
        // The owner, behind the same proxy from another address, still gets in.
        const owner = await viaProxy("POST", "/api/auth/login", "10.3.0.1", "203.0.113.30", {
          email: victim.email,
          password: victim.password,
        });
        expect(owner.statusCode, owner.body).toBe(200);
      } finally {
        await server.close();
      }
    });
  }
});
