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
}

/**
 * Creates an account and logs it in. The first account of a fresh install becomes the
 * administrator (and may teach). With teacher sign-up closed, only an admin makes teachers.
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
    const role = anyUser ? props.role : "admin";
    if (role === "teacher" && ctx.config.teacherSignup === "closed") throw fail("teacher_signup_closed");
    return trx
      .insertInto("users")
      .values({ id: randomUUID(), email: props.email, name: props.name, role, password_hash: passwordHash })
      .returning(["id", "email", "name", "role"])
      .executeTakeFirstOrThrow();
  });
  ctx.log.info({ userId: user.id, role: user.role }, "account registered");
  return { user: presentUser(user), ...(await loginIssuer(ctx, user)) };
}
