import type { User } from "@observer/protocol";
import { verifyAgainstDummy, verifyPassword } from "../auth/passwords.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { presentUser } from "../presenters.ts";
import { type IssuedLogin, loginIssuer } from "./login-issuer.ts";

/**
 * Logs in with email and password. Failed attempts are counted per account and client
 * address (`address`: its addressKey), and per account from all addresses (a higher ceiling;
 * see LoginThrottle). Past either limit, attempts are refused with 429 before the password is
 * looked at, so guessing stays limited; the owner, from an address that has not been
 * guessing, still gets in.
 */
export async function credentialsChecker(
  ctx: Ctx,
  props: { email: string; password: string; address: string },
): Promise<{ user: User } & IssuedLogin> {
  if (await ctx.loginThrottle.isBlocked(props.email, props.address)) throw fail("login_throttled");
  const row = await ctx.db
    .selectFrom("users")
    .selectAll()
    .where("email", "=", props.email)
    .executeTakeFirst();
  const valid = row
    ? await verifyPassword(row.password_hash, props.password)
    : await verifyAgainstDummy(props.password);
  if (!row || !valid) {
    await ctx.loginThrottle.recordFailure(props.email, props.address);
    throw fail("invalid_credentials");
  }
  if (!row.active) throw fail("account_deactivated");
  await ctx.loginThrottle.recordSuccess(props.email, props.address);
  return { user: presentUser(row), ...(await loginIssuer(ctx, row)) };
}
