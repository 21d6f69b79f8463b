import { Octokit } from "@octokit/rest";
import type { Ctx } from "../context.ts";
import { AppError, fail } from "../errors.ts";

/** config.github, known to be set (see githubConfig). */
export type GithubConfig = NonNullable<Ctx["config"]["github"]>;

/** The GitHub settings, or 404 `github_disabled` when GITHUB_CLIENT_ID is unset. */
export function githubConfig(ctx: Ctx): GithubConfig {
  if (!ctx.config.github) throw fail("github_disabled");
  return ctx.config.github;
}

/**
 * An Octokit client on the configured API (GITHUB_API_URL). Octokit logs nothing of its own
 * here; its errors carry the request with the token redacted, and githubFailure turns them into
 * our errors without it. Everything done with one client must end within `timeoutMs` (a GitHub
 * that hangs fails the request with 502 instead of holding it).
 */
export function githubClient(github: GithubConfig, token?: string, timeoutMs = 30_000): Octokit {
  const quiet = () => {};
  return new Octokit({
    baseUrl: github.apiUrl,
    userAgent: "observer-classroom",
    ...(token ? { auth: token } : {}),
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    request: { signal: AbortSignal.timeout(timeoutMs) },
  });
}

/** The HTTP status of an error GitHub answered (Octokit's RequestError), or null for anything else. */
export function githubStatus(err: unknown): number | null {
  if (
    err instanceof Error &&
    err.name === "HttpError" &&
    typeof (err as { status?: unknown }).status === "number"
  )
    return (err as unknown as { status: number }).status;
  return null;
}

/** A GitHub failure (an answer, no answer, a timeout) as our error, 502 github_error, logged without any token. */
export function githubFailure(ctx: Ctx, err: unknown, what: string): Error {
  if (err instanceof AppError) return err;
  const status = githubStatus(err);
  ctx.log.warn(
    { status, message: err instanceof Error ? err.message : String(err) },
    `GitHub: ${what} failed`,
  );
  return fail(
    "github_error",
    status === 401 ? "GitHub refused your login: link GitHub again (Settings)." : undefined,
  );
}
