import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import pg from "pg";
import { buildServer, type Server } from "../src/app.ts";
import type { Config, DatabaseConfig } from "../src/config.ts";
import { buildUser, type TestUser } from "./factories.ts";
import { checkReply } from "./reply-check.ts";

export interface TestDatabase {
  database: DatabaseConfig;
  drop: () => Promise<void>;
}

/**
 * A database that outlives one server, for restart tests: PGlite in a temporary folder, or a
 * fresh PostgreSQL schema. Servers started on it do not drop it; call drop() at the end.
 */
export function durableTestDatabase(): TestDatabase {
  if (process.env.OBSERVER_TEST_DB === "postgres") return testDatabase();
  const dir = mkdtempSync(path.join(tmpdir(), "observer-pglite-"));
  return {
    database: { kind: "pglite", dataDir: dir },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The database the integration suite runs on: PGlite in memory, or a fresh schema in PostgreSQL. */
export function testDatabase(): TestDatabase {
  if (process.env.OBSERVER_TEST_DB !== "postgres") {
    return { database: { kind: "pglite", dataDir: null }, drop: async () => {} };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("OBSERVER_TEST_DB=postgres needs TEST_DATABASE_URL");
  const schema = `t_${randomBytes(6).toString("hex")}`;
  return {
    database: { kind: "postgres", url, schema },
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    },
  };
}

export function testConfig(overrides: Partial<Config> = {}, database?: DatabaseConfig): Config {
  const config: Config = {
    port: 0,
    host: "127.0.0.1",
    production: false,
    dataDir: "/nonexistent-observer-test",
    database: database ?? { kind: "pglite", dataDir: null },
    redisUrl: null,
    redisPrefix: `observer-test-${randomBytes(4).toString("hex")}:`,
    jwtSecret: "test-secret-that-is-long-enough-for-hs256-signing",
    trustProxy: false,
    metricsToken: null,
    teacherSignup: "open",
    logLevel: "silent",
    webDir: null,
    rateLimits: { apiPerMinute: 10_000, authPerMinute: 10_000, loginFailuresPerAccount: 10 },
    live: { heartbeatMs: 10_000, sessionEndGraceMs: 500 },
    maxSocketsPerUser: 20,
    storage: { studentQuotaBytes: 50 * 1024 * 1024, historyRetentionDays: null },
    // The sandbox is checked at the first run: most test servers never run code.
    runs: {
      runners: "local",
      sandbox: "bwrap",
      bwrapPath: null,
      concurrency: null,
      limits: {},
      prepareAtStart: false,
      perMinute: 10_000,
    },
    secretKey: Buffer.alloc(32, 7),
    publicUrl: null,
    github: null,
    ai: { firstTokenTimeoutMs: 15_000, answerTimeoutMs: 120_000 },
    ...overrides,
  };
  return Object.freeze(config);
}

export interface TestServer extends Server {
  config: Config;
  /** The admin created first (the first account of an install becomes admin). */
  admin: TestUser | null;
  /** Listens on a free loopback port (for WebSockets); returns the base URL. */
  listen(): Promise<string>;
  /** Calls the API through app.inject (no network). */
  call(method: InjectOptions["method"], url: string, opts?: CallOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  cookies?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Starts a server on a fresh database; closes it and drops the database in close(). */
export async function startTestServer(
  options: { config?: Partial<Config>; seedAdmin?: boolean; database?: TestDatabase } = {},
): Promise<TestServer> {
  const { database, drop } = options.database ?? testDatabase();
  const config = testConfig(options.config, database);
  const server = await buildServer(config);
  const call: TestServer["call"] = async (method, url, opts = {}) => {
    const response = await server.app.inject({
      method,
      url,
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
        ...opts.headers,
      },
      ...(opts.cookies ? { cookies: opts.cookies } : {}),
      ...(opts.body !== undefined
        ? { payload: typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body) }
        : {}),
    });
    checkReply(method ?? "GET", url, response.statusCode, response.body);
    return response;
  };
  const testServer: TestServer = {
    ...server,
    config,
    admin: null,
    call,
    async listen() {
      // Once per server; later calls return the same address.
      if (!server.app.server.listening) await server.app.listen({ port: 0, host: "127.0.0.1" });
      const address = server.app.server.address();
      if (!address || typeof address === "string") throw new Error("not listening");
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      await server.app.close();
      if (!options.database) await drop();
    },
  };
  if (options.seedAdmin !== false)
    testServer.admin = await buildUser(testServer, { role: "teacher", name: "Admin" });
  return testServer;
}

/** Waits until an assertion passes (for eventually-consistent state), failing with its last error. */
export async function retryableAssertion(
  assertion: () => void | Promise<void>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
