import type { User } from "@observer/protocol";
import { verifyAgainstDummy, verifyPassword } from "../auth/passwords.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { presentUser } from "../presenters.ts";
import { type IssuedLogin, loginIssuer } from "./login-issuer.ts";

/**
 * Logs in with email and password. Failed attempts are counted per account; past the limit
 * every attempt is refused with 429 until the window passes, so a password cannot be guessed.
 */
export async function credentialsChecker(
  ctx: Ctx,
  props: { email: string; password: string },
): Promise<{ user: User } & IssuedLogin> {
  if (await ctx.loginThrottle.isBlocked(props.email)) throw fail("login_throttled");
  const row = await ctx.db
    .selectFrom("users")
    .selectAll()
    .where("email", "=", props.email)
    .executeTakeFirst();
  const valid = row
    ? await verifyPassword(row.password_hash, props.password)
    : await verifyAgainstDummy(props.password);
  if (!row || !valid) {
    await ctx.loginThrottle.recordFailure(props.email);
    throw fail("invalid_credentials");
  }
  if (!row.active) throw fail("account_deactivated");
  await ctx.loginThrottle.reset(props.email);
  return { user: presentUser(row), ...(await loginIssuer(ctx, row)) };
}
