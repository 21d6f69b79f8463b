import type { LightMyRequestResponse } from "fastify";
import type { TestServer } from "../support.ts";
import type { GithubFake } from "./github-fake.ts";

/** The server's config.github for a fake GitHub. */
export const githubConfigOf = (fake: GithubFake) => ({
  clientId: fake.clientId,
  clientSecret: fake.clientSecret,
  apiUrl: fake.apiUrl,
  webUrl: fake.webUrl,
});

/** Where a 302 sends the browser, as a path and query on our server. */
export function localPath(location: string): string {
  const url = new URL(location, "http://localhost");
  return url.pathname + url.search;
}

/**
 * Goes through the OAuth web flow as a browser would: starts it on our server (a sign-in, or a
 * link with `linkToken`), lets the fake GitHub approve as `login` (its authorize page answers
 * with a 302 back), and calls our callback with what GitHub sent back. Returns the callback's
 * reply, the authorize URL and the callback's path (to call again).
 */
export async function githubFlow(
  server: TestServer,
  fake: GithubFake,
  login: string,
  options: { linkToken?: string } = {},
): Promise<{
  callback: LightMyRequestResponse;
  authorizeUrl: URL;
  callbackPath: string;
  /** The cookies the browser holds for the callback (the state's, see github/state-cookie.ts). */
  cookies: Record<string, string>;
}> {
  const start = options.linkToken
    ? await server.call("POST", "/api/auth/github/link", { token: options.linkToken })
    : await server.call("GET", "/api/auth/github");
  const target = options.linkToken ? start.json().url : start.headers.location;
  if (typeof target !== "string") throw new Error(`no authorize URL: ${start.statusCode} ${start.body}`);
  const authorizeUrl = new URL(target);
  if (authorizeUrl.origin !== fake.webUrl) throw new Error(`not sent to the fake GitHub: ${target}`);
  const approve = new URL(authorizeUrl);
  approve.searchParams.set("login", login);
  const approved = await fetch(approve, { redirect: "manual" });
  const back = approved.headers.get("location");
  if (approved.status !== 302 || !back) throw new Error(`the fake did not approve: ${approved.status}`);
  const callbackPath = localPath(back);
  const cookies = browserCookies(start);
  return {
    callback: await server.call("GET", callbackPath, { cookies }),
    authorizeUrl,
    callbackPath,
    cookies,
  };
}

/** The cookies a reply set, as a browser would send them back. */
export function browserCookies(reply: LightMyRequestResponse): Record<string, string> {
  return Object.fromEntries(reply.cookies.map((cookie) => [cookie.name, cookie.value]));
}
