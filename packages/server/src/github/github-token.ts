import type { Octokit } from "@octokit/rest";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { githubAccountOf } from "../storage/github-accounts.ts";
import type { GithubAccountRow } from "../storage/schema.ts";
import { type GithubConfig, githubClient, githubConfig, githubStatus } from "./github-client.ts";

/** The purpose a user's GitHub token is sealed under (bound into the ciphertext). */
const purpose = (userId: string) => `github-token:${userId}`;

export const sealGithubToken = (ctx: Ctx, userId: string, token: string) =>
  ctx.secrets.seal(token, purpose(userId));

export const openGithubToken = (ctx: Ctx, account: Pick<GithubAccountRow, "user_id" | "token_encrypted">) =>
  ctx.secrets.open(account.token_encrypted, purpose(account.user_id));

/** A linked user's GitHub: their account row and a client with their token (409 `github_not_linked` otherwise), see githubClient. */
export async function linkedGithub(
  ctx: Ctx,
  userId: string,
  timeoutMs?: number,
): Promise<{ github: GithubConfig; account: GithubAccountRow; octokit: Octokit }> {
  const github = githubConfig(ctx);
  const account = await githubAccountOf(ctx.db, userId);
  if (!account) throw fail("github_not_linked");
  return { github, account, octokit: githubClient(github, openGithubToken(ctx, account), timeoutMs) };
}

/**
 * Revokes a token at GitHub (DELETE /applications/{client_id}/token, with the app's client id
 * and secret as basic auth). A token GitHub no longer knows (404) is already revoked. Returns
 * whether GitHub confirmed; failures are logged (without the token), not thrown.
 */
export async function revokeGithubToken(ctx: Ctx, github: GithubConfig, token: string): Promise<boolean> {
  const basic = Buffer.from(`${github.clientId}:${github.clientSecret}`).toString("base64");
  try {
    await githubClient(github).request("DELETE /applications/{client_id}/token", {
      client_id: github.clientId,
      access_token: token,
      headers: { authorization: `Basic ${basic}` },
    });
    return true;
  } catch (err) {
    if (githubStatus(err) === 404) return true;
    ctx.log.warn({ status: githubStatus(err) }, "GitHub: revoking a token failed");
    return false;
  }
}
