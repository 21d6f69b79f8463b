import type { Language } from "@observer/protocol";
import { checkReply } from "./reply-check.ts";

/** Minimal API calls over real HTTP, for tests against a spawned server process. */
export async function apiCall<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; json: T }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  checkReply(method, path, res.status, text);
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as T };
}

/** The password of every account the HTTP helpers register. */
const TEST_PASSWORD = "correct horse battery";

/** Logs an account registered by registerOver in again; returns a fresh access token. */
export async function logInOver(baseUrl: string, email: string): Promise<string> {
  const res = await apiCall<{ accessToken: string }>(baseUrl, "POST", "/api/auth/login", {
    body: { email, password: TEST_PASSWORD },
  });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.accessToken;
}

/** Registers an account over HTTP; returns its id and access token. */
export async function registerOver(
  baseUrl: string,
  props: { email: string; name: string; role: "teacher" | "student" },
): Promise<{ id: string; accessToken: string }> {
  const res = await apiCall<{ user: { id: string }; accessToken: string }>(
    baseUrl,
    "POST",
    "/api/auth/register",
    {
      body: { ...props, password: TEST_PASSWORD },
    },
  );
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.json)}`);
  return { id: res.json.user.id, accessToken: res.json.accessToken };
}

/** A teacher, a session and N joined students on a running server. */
export async function classroomOver(baseUrl: string, students: number, language: Language = "python") {
  const tag = Math.random().toString(36).slice(2, 8);
  const teacher = await registerOver(baseUrl, {
    email: `t-${tag}@example.org`,
    name: "Teacher",
    role: "teacher",
  });
  const created = await apiCall<{ session: { id: string; joinCode: string } }>(
    baseUrl,
    "POST",
    "/api/sessions",
    {
      token: teacher.accessToken,
      body: { name: "Class", language },
    },
  );
  if (created.status !== 201) throw new Error(`create session: ${created.status}`);
  const session = created.json.session;
  const list = await Promise.all(
    Array.from({ length: students }, async (_, i) => {
      const student = await registerOver(baseUrl, {
        email: `s${i}-${tag}@example.org`,
        name: `Student ${i}`,
        role: "student",
      });
      const joined = await apiCall(baseUrl, "POST", "/api/sessions/join", {
        token: student.accessToken,
        body: { joinCode: session.joinCode },
      });
      if (joined.status !== 200) throw new Error(`join: ${joined.status}`);
      return student;
    }),
  );
  return { teacher, session, students: list };
}
