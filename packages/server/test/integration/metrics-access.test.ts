import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectApiError } from "../factories.ts";
import { startTestServer, type TestServer } from "../support.ts";

/** GET /metrics is not public on the app port: loopback only, or a bearer token. */

const scrape = (server: TestServer, remoteAddress: string, headers: Record<string, string> = {}) =>
  server.app.inject({ method: "GET", url: "/metrics", remoteAddress, headers });

describe("/metrics without OBSERVER_METRICS_TOKEN", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seedAdmin: false, config: { trustProxy: 1 } });
  });
  afterAll(() => server.close());

  it("answers a scraper on the server's own machine", async () => {
    const res = await scrape(server, "127.0.0.1");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("observer_http_request_duration_seconds");
  });

  it("refuses everyone else (403), also through a proxy on loopback and with a forged loopback address", async () => {
    expectApiError(await scrape(server, "203.0.113.5"), 403, "forbidden");
    expectApiError(await scrape(server, "127.0.0.1", { "x-forwarded-for": "203.0.113.5" }), 403, "forbidden");
    expectApiError(await scrape(server, "127.0.0.1", { "x-forwarded-for": "127.0.0.1" }), 403, "forbidden");
  });
});

describe("/metrics with OBSERVER_METRICS_TOKEN", () => {
  const token = "metrics-token-for-the-test-0123456789";
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seedAdmin: false, config: { metricsToken: token } });
  });
  afterAll(() => server.close());

  it("answers the bearer token from anywhere and refuses a missing or wrong one (401), loopback included", async () => {
    const res = await scrape(server, "203.0.113.5", { authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("observer_runs_running");
    expectApiError(await scrape(server, "203.0.113.5"), 401, "not_authenticated");
    expectApiError(await scrape(server, "127.0.0.1"), 401, "not_authenticated");
    expectApiError(
      await scrape(server, "203.0.113.5", { authorization: `Bearer ${token}x` }),
      401,
      "not_authenticated",
    );
  });
});
