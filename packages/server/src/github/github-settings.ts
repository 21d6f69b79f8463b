import type { GithubStatusReply } from "@observer/protocol";
import type { Ctx } from "../context.ts";
import { deleteGithubAccount, githubAccountOf } from "../storage/github-accounts.ts";
import { githubConfig } from "./github-client.ts";
import { openGithubToken, revokeGithubToken } from "./github-token.ts";

/** `GET /api/settings/github`: whether GitHub is set up here, and the caller's linked account. */
export async function githubSettings(ctx: Ctx, userId: string): Promise<GithubStatusReply> {
  if (!ctx.config.github) return { enabled: false, linked: null };
  const account = await githubAccountOf(ctx.db, userId);
  return {
    enabled: true,
    linked: account
      ? {
          login: account.login,
          linkedAt: account.linked_at.toISOString(),
          scopes: account.scopes.split(",").filter(Boolean),
        }
      : null,
  };
}

/**
 * `DELETE /api/settings/github`: the token is revoked at GitHub, then the link deleted. When
 * GitHub cannot be reached the link is deleted all the same (it is what the user asked) and
 * the failure logged: the token can then be revoked on GitHub (Settings → Applications).
 */
export async function githubUnlinker(ctx: Ctx, userId: string): Promise<void> {
  const github = githubConfig(ctx);
  const account = await githubAccountOf(ctx.db, userId);
  if (!account) return;
  const revoked = await revokeGithubToken(ctx, github, openGithubToken(ctx, account));
  await deleteGithubAccount(ctx.db, userId);
  ctx.log.info({ userId, revoked }, "GitHub unlinked");
}
