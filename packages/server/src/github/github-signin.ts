import { randomUUID } from "node:crypto";
import { emailSchema, personNameSchema } from "@observer/protocol";
import { sql } from "kysely";
import { loginIssuer } from "../commands/login-issuer.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { githubAccountByGithubId, githubAccountOf, saveGithubAccount } from "../storage/github-accounts.ts";
import { claimOauthState } from "../storage/oauth-states.ts";
import { type GithubConfig, githubClient, githubConfig, githubFailure } from "./github-client.ts";
import { openGithubToken, revokeGithubToken, sealGithubToken } from "./github-token.ts";
import { exchangeCode, type GrantedToken } from "./oauth-flow.ts";

/**
 * The password hash of an account made by signing in with GitHub: not an argon2 hash, so
 * verifyPassword never accepts any password for it (argon2's verify rejects it as malformed).
 */
export const NO_PASSWORD_HASH = "!github-sign-in-only";

/** The GitHub user behind a token (GET /user). */
interface GithubUser {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
}

/** What the callback did: logged in (the refresh token to set), linked, or the user said no at GitHub. */
export type CallbackOutcome =
  | { kind: "login"; refreshToken: string }
  | { kind: "linked" }
  | { kind: "cancelled"; intent: "login" | "link" };

/**
 * GitHub's redirect back (`GET /api/auth/github/callback`): the state is used once (unknown,
 * expired or used: 400 `oauth_state_invalid`), the code exchanged, the GitHub user read; then a
 * link attaches it to the account that started the flow (409 `github_account_taken` when it is
 * linked to another), and a sign-in logs in the account linked to it or creates a student one.
 */
export async function githubCallback(
  ctx: Ctx,
  props: {
    code?: string | undefined;
    state?: string | undefined;
    error?: string | undefined;
    redirectUri: string;
  },
): Promise<CallbackOutcome> {
  const github = githubConfig(ctx);
  const claimed = props.state ? await claimOauthState(ctx.db, props.state) : undefined;
  if (!claimed) throw fail("oauth_state_invalid");
  if (props.error) return { kind: "cancelled", intent: claimed.intent };
  if (!props.code) throw fail("oauth_state_invalid");
  const granted = await exchangeCode(ctx, github, { code: props.code, redirectUri: props.redirectUri });
  const user = await githubUser(ctx, github, granted.token);
  if (claimed.intent === "link") {
    if (!claimed.user_id) throw fail("oauth_state_invalid");
    await linkAccount(ctx, github, claimed.user_id, user, granted);
    return { kind: "linked" };
  }
  return { kind: "login", refreshToken: await signIn(ctx, github, user, granted) };
}

async function githubUser(ctx: Ctx, github: GithubConfig, token: string): Promise<GithubUser> {
  try {
    const { data } = await githubClient(github, token).rest.users.getAuthenticated();
    return { id: data.id, login: data.login, name: data.name ?? null, email: data.email ?? null };
  } catch (err) {
    throw githubFailure(ctx, err, "reading the user");
  }
}

/** Stores the new token for `userId`, revoking the one it replaces (when another). */
async function storeLink(
  ctx: Ctx,
  github: GithubConfig,
  userId: string,
  user: GithubUser,
  granted: GrantedToken,
) {
  const previous = await githubAccountOf(ctx.db, userId);
  await saveGithubAccount(ctx.db, {
    userId,
    githubId: user.id,
    login: user.login,
    tokenSealed: sealGithubToken(ctx, userId, granted.token),
    scopes: granted.scopes.join(","),
  });
  if (previous) {
    const old = openGithubToken(ctx, previous);
    if (old !== granted.token) await revokeGithubToken(ctx, github, old);
  }
}

async function linkAccount(
  ctx: Ctx,
  github: GithubConfig,
  userId: string,
  user: GithubUser,
  granted: GrantedToken,
) {
  const owner = await githubAccountByGithubId(ctx.db, user.id);
  if (owner && owner.id !== userId) throw fail("github_account_taken");
  await storeLink(ctx, github, userId, user, granted);
  ctx.log.info({ userId, githubLogin: user.login }, "GitHub linked");
}

async function signIn(
  ctx: Ctx,
  github: GithubConfig,
  user: GithubUser,
  granted: GrantedToken,
): Promise<string> {
  const linked = await githubAccountByGithubId(ctx.db, user.id);
  if (linked) {
    if (!linked.active) throw fail("account_deactivated");
    await storeLink(ctx, github, linked.id, user, granted);
    return (await loginIssuer(ctx, linked)).refreshToken;
  }
  const created = await createStudent(ctx, user, granted);
  ctx.log.info({ userId: created.id, githubLogin: user.login }, "account created by GitHub sign-in");
  return (await loginIssuer(ctx, created)).refreshToken;
}

/** GitHub's private address of a user, for one who shows no public email. */
export const noreplyEmail = (user: Pick<GithubUser, "id" | "login">) =>
  `${user.id}+${user.login}@users.noreply.github.com`.toLowerCase();

/** A student account for a GitHub user who has none here, linked at once; no password opens it. */
async function createStudent(ctx: Ctx, user: GithubUser, granted: GrantedToken) {
  const name = personNameSchema.safeParse(user.name ?? "");
  const publicEmail = emailSchema.safeParse(user.email ?? "");
  const id = randomUUID();
  return ctx.db.transaction().execute(async (trx) => {
    // The same lock as registrations: "first account" and "email taken" are decided race-free.
    await sql`select pg_advisory_xact_lock(${4242_0001})`.execute(trx);
    const anyUser = await trx.selectFrom("users").select("id").limit(1).executeTakeFirst();
    if (!anyUser)
      throw fail(
        "setup_token_required",
        "Create this server's first (administrator) account before signing in with GitHub.",
      );
    let email = publicEmail.success ? publicEmail.data : noreplyEmail(user);
    const taken = async (address: string) =>
      (await trx.selectFrom("users").select("id").where("email", "=", address).executeTakeFirst()) !==
      undefined;
    // An address already in use belongs to someone else's account: never merged by email.
    if (await taken(email)) email = noreplyEmail(user);
    if (await taken(email)) throw fail("email_taken");
    const row = await trx
      .insertInto("users")
      .values({
        id,
        email,
        name: name.success ? name.data : user.login,
        role: "student",
        password_hash: NO_PASSWORD_HASH,
      })
      .returning(["id", "role"])
      .executeTakeFirstOrThrow();
    await saveGithubAccount(trx, {
      userId: id,
      githubId: user.id,
      login: user.login,
      tokenSealed: sealGithubToken(ctx, id, granted.token),
      scopes: granted.scopes.join(","),
    });
    return row;
  });
}
