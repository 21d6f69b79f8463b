import { randomBytes } from "node:crypto";
import type { Language, Role, Session } from "@observer/protocol";
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
  overrides: { name?: string; language?: Language; starterCode?: string } = {},
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
