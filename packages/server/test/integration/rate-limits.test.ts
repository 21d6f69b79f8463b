import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Config } from "../../src/config.ts";
import { loadConfig } from "../../src/env.ts";
import { buildUser, expectApiError, type TestUser } from "../factories.ts";
import { startTestServer, type TestServer } from "../support.ts";

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

  it("guessing one account's password gets 429 within 20 tries; then even the right password is refused", async () => {
    const victim = await buildUser(server, { role: "teacher" });
    const replies = await guess(victim.email, 20);
    const last = replies.at(-1) as LightMyRequestResponse;
    expectThrottled(last);
    for (const r of replies.slice(0, -1)) expectApiError(r, 401, "invalid_credentials");
    // Throttled: the right password does not get in either (so a lucky guess is worthless).
    expectThrottled(await login(victim.email, victim.password));
    expectThrottled(await login(victim.email.toUpperCase(), victim.password));
  });

  it("another account from the same address still logs in while one account is throttled", async () => {
    const victim = await buildUser(server);
    const bystander = await buildUser(server);
    expectThrottled((await guess(victim.email, 20)).at(-1) as LightMyRequestResponse);
    const res = await login(bystander.email, bystander.password);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.id).toBe(bystander.id);
  });

  it("guesses spread over many addresses are throttled all the same (per account, not per address)", async () => {
    const victim = await buildUser(server);
    let n = 0;
    const replies = await guess(victim.email, 20, () => `10.0.${Math.floor(n / 250)}.${(n++ % 250) + 1}`);
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
