import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support.ts";

/**
 * Runs only in the integration-redis project (TEST_REDIS_URL set): two server instances
 * sharing one Redis count rate limits and failed logins together.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

describe("two instances sharing Redis", () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer({
      config: { redisUrl, rateLimits: { apiPerMinute: 6, authPerMinute: 1000, loginFailuresPerAccount: 4 } },
    });
    b = await startTestServer({
      seedAdmin: false,
      config: {
        redisUrl,
        redisPrefix: a.config.redisPrefix,
        rateLimits: { apiPerMinute: 6, authPerMinute: 1000, loginFailuresPerAccount: 4 },
      },
    });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("counts one address's requests across both instances", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await a.call("GET", "/api/config")).statusCode);
      statuses.push((await b.call("GET", "/api/config")).statusCode);
    }
    expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(statuses.slice(6)).toEqual([429, 429]);
    const limited = await a.call("GET", "/api/config");
    expect(limited.json().error.code).toBe("rate_limited");
  });

  it("counts failed logins of one account across both instances", async () => {
    const email = `shared-${Date.now()}@example.org`;
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      for (const server of [a, b]) {
        const res = await server.call("POST", "/api/auth/login", {
          body: { email, password: "guess-guess" },
        });
        codes.push(res.json().error.code);
      }
    }
    expect(codes).toEqual([
      "invalid_credentials",
      "invalid_credentials",
      "invalid_credentials",
      "invalid_credentials",
      "login_throttled",
      "login_throttled",
    ]);
  });
});
