import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  SPAWNED_SERVER_TEST_TIMEOUT_MS,
  spawnedDatabaseEnv,
  spawnServer,
  waitHealthy,
} from "../spawn-server.ts";

const databaseEnv = spawnedDatabaseEnv;

describe("the server process (main.ts)", { timeout: SPAWNED_SERVER_TEST_TIMEOUT_MS }, () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to start with one readable list of every bad setting", async () => {
    const server = await spawnServer({
      PORT: "x",
      OBSERVER_TEACHER_SIGNUP: "sometimes",
      NODE_ENV: "production",
    });
    const code = await server.exited;
    await server.stop();
    expect(code).toBe(2);
    expect(server.output()).toContain("Observer cannot start; fix these settings:");
    expect(server.output()).toContain("PORT");
    expect(server.output()).toContain("OBSERVER_TEACHER_SIGNUP");
  });

  it("creates the data dir, answers health, and finishes an in-flight request on SIGTERM before exiting 0", async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "observer-sigterm-")), "nested", "data");
    dirs.push(path.dirname(path.dirname(dataDir)));
    const server = await spawnServer(databaseEnv, dataDir);
    await waitHealthy(server);
    expect(await (await fetch(`${server.url}/api/health`)).json()).toEqual({ status: "ok" });

    // Send the headers and half the body, signal the server, then send the rest.
    const body = JSON.stringify({
      email: `inflight-${Date.now()}@example.org`,
      password: "long enough pw",
      name: "In flight",
      role: "student",
    });
    const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${server.url}/api/auth/register`,
        {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          let text = "";
          res.on("data", (d) => {
            text += d;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill("SIGTERM");
        setTimeout(() => req.end(body.slice(10)), 200);
      }, 200);
    });
    const result = await reply;
    expect(result.status).toBe(201);
    expect(await server.exited).toBe(0);

    // New connections are refused once it has stopped.
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
  });

  it("serves the built web app with its CSP, client-side routes, cached assets and JSON 404s for the API", async () => {
    const webDir = mkdtempSync(path.join(tmpdir(), "observer-web-"));
    dirs.push(webDir);
    mkdirSync(path.join(webDir, "assets"));
    writeFileSync(
      path.join(webDir, "index.html"),
      "<!doctype html><html><head><script>window.themeSet=1</script></head><body>app</body></html>",
    );
    writeFileSync(path.join(webDir, "assets", "app-abc123.js"), "console.log(1)");
    const server = await spawnServer({ ...databaseEnv, OBSERVER_WEB_DIR: webDir });
    try {
      await waitHealthy(server);
      const home = await fetch(`${server.url}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain("<body>app</body>");
      expect(home.headers.get("content-security-policy")).toMatch(
        /script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/,
      );
      const deep = await fetch(`${server.url}/sessions/some-id`);
      expect(deep.status).toBe(200);
      expect(await deep.text()).toContain("<body>app</body>");
      const asset = await fetch(`${server.url}/assets/app-abc123.js`);
      expect(asset.headers.get("cache-control")).toContain("immutable");
      const api = await fetch(`${server.url}/api/nothing-here`);
      expect(api.status).toBe(404);
      expect(await api.json()).toEqual({ error: { code: "not_found", message: "Not found." } });
      const metrics = await fetch(`${server.url}/metrics`);
      expect(await metrics.text()).toContain("observer_http_request_duration_seconds");
      const openapi = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
        openapi: string;
        paths: Record<string, unknown>;
      };
      expect(openapi.openapi).toBe("3.0.3");
      expect(Object.keys(openapi.paths)).toContain("/api/sessions/{id}/end");
    } finally {
      await server.stop();
    }
  });

  it("sends HSTS and Secure cookies only in production", async () => {
    const server = await spawnServer({
      ...databaseEnv,
      NODE_ENV: "production",
      JWT_SECRET: "a-production-secret-of-at-least-32-chars",
      OBSERVER_SECRET_KEY: Buffer.alloc(32, 1).toString("base64"),
    });
    try {
      await waitHealthy(server);
      const res = await fetch(`${server.url}/api/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: `prod-${Date.now()}@example.org`,
          password: "long enough pw",
          name: "P",
          role: "student",
        }),
      });
      expect(res.status).toBe(201);
      expect(res.headers.get("strict-transport-security")).toContain("max-age=31536000");
      expect(res.headers.get("set-cookie")).toMatch(/observer_refresh=.*; Secure/);
    } finally {
      await server.stop();
    }
    const dev = await spawnServer(databaseEnv);
    try {
      await waitHealthy(dev);
      const res = await fetch(`${dev.url}/api/health`);
      expect(res.headers.get("strict-transport-security")).toBeNull();
    } finally {
      await dev.stop();
    }
  });
});
