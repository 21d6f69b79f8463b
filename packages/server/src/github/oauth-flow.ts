import { randomBytes } from "node:crypto";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { insertOauthState } from "../storage/oauth-states.ts";
import { type GithubConfig, githubConfig } from "./github-client.ts";

/**
 * `repo`: creating a student's private repository and writing to a repository of an
 * organisation (the teacher's archive) both need it; GitHub has no narrower OAuth scope for
 * private repositories. /user is readable with any token.
 */
export const GITHUB_SCOPE = "repo";

/** Where GitHub sends the browser back: OBSERVER_PUBLIC_URL, or the origin the request came to. */
export function callbackUrl(ctx: Ctx, requestOrigin: string): string {
  return `${ctx.config.publicUrl ?? requestOrigin}/api/auth/github/callback`;
}

/**
 * Starts a sign-in (`login`, anyone) or a link (`link`, to the logged-in `userId`): a fresh
 * single-use state, and GitHub's authorization URL carrying it.
 */
export async function authorizeUrl(
  ctx: Ctx,
  props: { intent: "login" | "link"; userId: string | null; requestOrigin: string },
): Promise<string> {
  const github = githubConfig(ctx);
  const state = randomBytes(24).toString("base64url");
  await insertOauthState(ctx.db, { state, intent: props.intent, userId: props.userId });
  const url = new URL(`${github.webUrl}/login/oauth/authorize`);
  url.searchParams.set("client_id", github.clientId);
  url.searchParams.set("redirect_uri", callbackUrl(ctx, props.requestOrigin));
  url.searchParams.set("scope", GITHUB_SCOPE);
  url.searchParams.set("state", state);
  url.searchParams.set("allow_signup", "true");
  return url.toString();
}

/** The token GitHub grants for an authorization code, and the scopes it carries. */
export interface GrantedToken {
  token: string;
  scopes: string[];
}

/**
 * Exchanges the code GitHub sent back at `<webUrl>/login/oauth/access_token` (Accept: JSON).
 * A code that is wrong, expired or used is `oauth_state_invalid` (the sign-in starts again);
 * anything else GitHub says is `github_error`.
 */
export async function exchangeCode(
  ctx: Ctx,
  github: GithubConfig,
  props: { code: string; redirectUri: string },
): Promise<GrantedToken> {
  let reply: { access_token?: unknown; scope?: unknown; error?: unknown };
  try {
    const res = await fetch(`${github.webUrl}/login/oauth/access_token`, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify({
        client_id: github.clientId,
        client_secret: github.clientSecret,
        code: props.code,
        redirect_uri: props.redirectUri,
      }),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    reply = (await res.json()) as typeof reply;
  } catch (err) {
    ctx.log.warn({ message: (err as Error).message }, "GitHub: the code exchange failed");
    throw fail("github_error");
  }
  if (reply.error === "bad_verification_code") throw fail("oauth_state_invalid");
  if (typeof reply.access_token !== "string" || reply.access_token === "") {
    ctx.log.warn({ error: String(reply.error ?? "no token") }, "GitHub: the code exchange was refused");
    throw fail("github_error");
  }
  const scopes = typeof reply.scope === "string" ? reply.scope.split(/[,\s]+/).filter(Boolean) : [];
  return { token: reply.access_token, scopes };
}
