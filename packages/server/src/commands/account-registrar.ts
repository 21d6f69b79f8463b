import { randomUUID } from "node:crypto";
import type { User } from "@observer/protocol";
import { sql } from "kysely";
import { hashPassword } from "../auth/passwords.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { presentUser } from "../presenters.ts";
import { type IssuedLogin, loginIssuer } from "./login-issuer.ts";

export interface RegisterProps {
  email: string;
  password: string;
  name: string;
  role: "teacher" | "student";
  /** The setup token, needed for the first account unless `fromLoopback`. */
  setupToken?: string | undefined;
  /** The request comes straight from the server's own machine (isDirectLoopback). */
  fromLoopback: boolean;
}

/**
 * Creates an account and logs it in. The first account of a fresh install becomes the
 * administrator (and may teach): it is accepted only from the server's own machine or with
 * the setup token (403 `setup_token_required` otherwise), so nobody who merely reaches a
 * fresh install takes it over. With teacher sign-up closed, only an admin makes teachers.
 */
export async function accountRegistrar(
  ctx: Ctx,
  props: RegisterProps,
): Promise<{ user: User } & IssuedLogin> {
  const passwordHash = await hashPassword(props.password);
  const user = await ctx.db.transaction().execute(async (trx) => {
    // Serialises registrations so "first account" and "email taken" are decided race-free.
    await sql`select pg_advisory_xact_lock(${4242_0001})`.execute(trx);
    const taken = await trx
      .selectFrom("users")
      .select("id")
      .where("email", "=", props.email)
      .executeTakeFirst();
    if (taken) throw fail("email_taken");
    const anyUser = await trx.selectFrom("users").select("id").limit(1).executeTakeFirst();
    if (!anyUser && !props.fromLoopback && !ctx.setupToken.matches(props.setupToken)) {
      throw fail("setup_token_required");
    }
    const role = anyUser ? props.role : "admin";
    if (role === "teacher" && ctx.config.teacherSignup === "closed") throw fail("teacher_signup_closed");
    return trx
      .insertInto("users")
      .values({ id: randomUUID(), email: props.email, name: props.name, role, password_hash: passwordHash })
      .returning(["id", "email", "name", "role"])
      .executeTakeFirstOrThrow();
  });
  ctx.log.info({ userId: user.id, role: user.role }, "account registered");
  if (user.role === "admin") ctx.setupToken.consume();
  return { user: presentUser(user), ...(await loginIssuer(ctx, user)) };
}
