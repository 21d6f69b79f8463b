import type { AuthReply, CreateRunBody, CreateSessionBody, RegisterBody, Session } from "@observer/protocol";
import { authReplySchema, sessionReplySchema } from "@observer/protocol";
import type { Locator, Page } from "playwright-core";
import { waitForText } from "./wait.ts";

/** An account a test registers, with the password it logs in with. */
export type Account = RegisterBody & { password: string };

/** A person for one test: unique email per run so tests never collide. */
export function person(name: string, role: "teacher" | "student"): Account {
  const slug = name.toLowerCase().replace(/[^a-z]+/g, ".");
  return { name, email: `${slug}.${Date.now()}@school.test`, password: "correct horse battery", role };
}

async function post(url: string, path: string, body: unknown, token?: string): Promise<unknown> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path} -> ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Registers through the API (no browser): for accounts a test needs but does not exercise. */
export async function registerByApi(url: string, body: RegisterBody): Promise<AuthReply> {
  return authReplySchema.parse(await post(url, "/api/auth/register", body));
}

export async function createSessionByApi(
  url: string,
  token: string,
  body: CreateSessionBody,
): Promise<Session> {
  return sessionReplySchema.parse(await post(url, "/api/sessions", body, token)).session;
}

/** Joins a session as a student through the API. */
export async function joinSessionByApi(url: string, token: string, joinCode: string): Promise<Session> {
  return sessionReplySchema.parse(await post(url, "/api/sessions/join", { joinCode }, token)).session;
}

/** Starts a run as the token's user (POST /api/sessions/:id/runs); the caller checks the status (201). */
export function startRunByApi(
  url: string,
  token: string,
  sessionId: string,
  body: CreateRunBody,
): Promise<Response> {
  return fetch(`${url}/api/sessions/${sessionId}/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

/** Ends a session as its teacher (POST /api/sessions/:id/end); the caller checks the status (200). */
export function endSessionByApi(url: string, token: string, sessionId: string): Promise<Response> {
  return fetch(`${url}/api/sessions/${sessionId}/end`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: "{}",
  });
}

/** Logs in through the UI at /login and waits for the home page. */
export async function logInAt(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto("/login");
  await logInInUi(page, who);
  await page.waitForURL((url) => url.pathname === "/");
}

/** Fills and submits /register (the page must be open). */
export async function signUpInUi(page: Page, who: RegisterBody): Promise<void> {
  await page.getByLabel("Name", { exact: true }).fill(who.name);
  await page.getByLabel("Email", { exact: true }).fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  const role = page.getByRole("radio", { name: who.role === "teacher" ? /Teacher/ : /Student/ });
  if (await role.isVisible()) await role.check();
  await page.getByRole("button", { name: "Create account" }).click();
}

/** Fills and submits /login (the page must be open). */
export async function logInInUi(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.getByLabel("Email", { exact: true }).fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
}

/** The path of the page, e.g. "/sessions/…", once it matches `pattern`. */
export async function waitForPath(page: Page, pattern: RegExp): Promise<string> {
  await page.waitForURL((url) => pattern.test(url.pathname + url.search));
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/** The locator's text as a reader sees it, or undefined while it is not in the page. */
async function shownText(locator: Locator): Promise<string | undefined> {
  if ((await locator.count()) === 0) return undefined;
  // Monaco renders spaces as no-break spaces; compare what a reader sees.
  // biome-ignore lint/performance/useDomNodeTextContent: the test reads what the user sees, as rendered.
  return (await locator.first().innerText()).replace(/\u00a0/g, " ").trim();
}

/** Waits until the locator's text matches, then returns it (playwright-core has no expect). */
export function textOf(locator: Locator, pattern?: RegExp, timeoutMs = 15_000): Promise<string> {
  return waitForText(
    () => shownText(locator),
    pattern,
    timeoutMs,
    (last) => `Timed out waiting for ${locator} to match ${pattern}; last text: "${last}"`,
  );
}
