import { randomBytes, randomUUID } from "node:crypto";
import {
  DOC_CODE,
  DOC_META,
  type ErrorCode,
  errorBodySchema,
  type Language,
  type Role,
  type Session,
  studentDocumentName,
} from "@observer/protocol";
import type { LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { expect } from "vitest";
import * as Y from "yjs";
import { createDocumentOnce } from "../src/storage/documents.ts";
import { finishRun, insertRun } from "../src/storage/runs.ts";
import type { TestServer } from "./support.ts";

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  password: string;
  accessToken: string;
  refreshToken: string;
}

let counter = 0;

/** The refresh token from a reply's Set-Cookie. */
export function refreshCookieOf(res: { cookies: { name: string; value: string }[] }): string {
  const cookie = res.cookies.find((c) => c.name === "observer_refresh");
  if (!cookie) throw new Error("reply has no refresh cookie");
  return cookie.value;
}

/** Registers a user through the API. */
export async function buildUser(
  server: Pick<TestServer, "call">,
  overrides: { role?: "teacher" | "student"; name?: string; email?: string; password?: string } = {},
): Promise<TestUser> {
  counter += 1;
  const body = {
    email: overrides.email ?? `user${counter}-${randomBytes(3).toString("hex")}@example.org`,
    password: overrides.password ?? "correct horse battery",
    name: overrides.name ?? `User ${counter}`,
    role: overrides.role ?? "student",
  };
  const res = await server.call("POST", "/api/auth/register", { body });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const json = res.json();
  return {
    ...json.user,
    password: body.password,
    accessToken: json.accessToken,
    refreshToken: refreshCookieOf(res),
  };
}

/** Creates a session through the API as the given teacher. */
export async function buildSession(
  server: Pick<TestServer, "call">,
  teacher: TestUser,
  overrides: { name?: string; language?: Language; starterCode?: string; runTimeLimitSeconds?: number } = {},
): Promise<Session> {
  const res = await server.call("POST", "/api/sessions", {
    token: teacher.accessToken,
    body: { name: overrides.name ?? "Loops", language: overrides.language ?? "python", ...overrides },
  });
  if (res.statusCode !== 201) throw new Error(`create session failed: ${res.statusCode} ${res.body}`);
  return res.json().session;
}

/** Joins a session by code through the API. */
export async function joinSession(server: Pick<TestServer, "call">, user: TestUser, joinCode: string) {
  return server.call("POST", "/api/sessions/join", { token: user.accessToken, body: { joinCode } });
}

/** Logs in again as an existing user: a new login (refresh family) with its own tokens. */
export async function logIn(
  server: Pick<TestServer, "call">,
  user: Pick<TestUser, "email" | "password">,
): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await server.call("POST", "/api/auth/login", {
    body: { email: user.email, password: user.password },
  });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return { accessToken: res.json().accessToken, refreshToken: refreshCookieOf(res) };
}

/**
 * Asserts an error reply: the status, the catalogue code, and the one JSON error shape
 * `{error:{code,message}}` (plus `issues` for validation errors) with nothing else beside it.
 */
export function expectApiError(res: LightMyRequestResponse, status: number, code: ErrorCode): void {
  let body: unknown;
  try {
    body = res.json();
  } catch {
    body = res.body;
  }
  const got = (body as { error?: { code?: unknown } } | null)?.error?.code;
  // Status and code together, so a failure shows what came back (e.g. 500 internal_error).
  expect({ status: res.statusCode, code: got }).toEqual({ status, code });
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  const parsed = errorBodySchema.parse(body);
  expect(Object.keys(body as object)).toEqual(["error"]);
  expect(parsed.error.message.length).toBeGreaterThan(0);
}

/** Stores a student's document with this code, as the collaboration server saves it. */
export async function saveCode(
  server: TestServer,
  props: { sessionId: string; userId: string; code: string; language?: Language },
): Promise<void> {
  const doc = new Y.Doc();
  doc.getMap(DOC_META).set("language", props.language ?? "python");
  doc.getText(DOC_CODE).insert(0, props.code);
  await createDocumentOnce(server.ctx.db, {
    name: studentDocumentName(props.sessionId, props.userId),
    sessionId: props.sessionId,
    studentId: props.userId,
    state: Y.encodeStateAsUpdate(doc),
  });
  doc.destroy();
}

let lastQueuedAt = 0;
/** A queue time after every earlier recorded run's, by at least a millisecond. */
function nextQueuedAt(): Date {
  lastQueuedAt = Math.max(Date.now(), lastQueuedAt + 1);
  return new Date(lastQueuedAt);
}

/** Records a finished run through the storage functions the run service uses. */
export async function recordRun(
  server: TestServer,
  props: { sessionId: string; userId: string; exitCode: number; output: string; language?: Language },
): Promise<string> {
  const id = randomUUID();
  await insertRun(server.ctx.db, {
    id,
    sessionId: props.sessionId,
    userId: props.userId,
    startedBy: props.userId,
    language: props.language ?? "python",
    codeHash: "0".repeat(64),
  });
  // PGlite's clock ticks in milliseconds: two runs recorded back to back could tie on
  // queued_at, and "the latest run" would be either. Real runs of a student are seconds apart.
  await sql`update runs set queued_at = ${nextQueuedAt()} where id = ${id}`.execute(server.ctx.db);
  await finishRun(
    server.ctx.db,
    id,
    {
      exit_code: props.exitCode,
      signal: null,
      timed_out: false,
      output_truncated: false,
      duration_ms: 42,
      killed_for: null,
      phase: "run",
      cpu_time_limit_ms: null,
    },
    props.output,
  );
  return id;
}
