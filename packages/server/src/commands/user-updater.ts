import type { AdminUser, Role } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { isAdmin } from "../auth/policies.ts";
import { revokeAllFamiliesOf } from "../auth/refresh-tokens.ts";
import { publishRevocation } from "../bus/revocations.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { presentAdminUser } from "../presenters.ts";

/**
 * An admin changes another user's role or deactivates them (which also ends their logins).
 * Either way the user's open sockets re-check on every instance: a deactivated user's close,
 * a demoted teacher's lose what the role gave (the students' documents, the dashboard).
 */
export async function userUpdater(
  ctx: Ctx,
  actor: Actor,
  props: { userId: string; role?: Role; active?: boolean },
): Promise<AdminUser> {
  if (!isAdmin(actor)) throw fail("forbidden");
  if (props.userId === actor.id) throw fail("own_role_change");
  // Kysely leaves out the columns whose value is undefined.
  const changes = { role: props.role, active: props.active };
  const row = await ctx.db
    .updateTable("users")
    .set(changes)
    .where("id", "=", props.userId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw fail("not_found");
  if (props.active === false) await revokeAllFamiliesOf(ctx.db, row.id, "deactivated");
  if (props.active === false || props.role !== undefined) {
    const reason = props.active === false ? "deactivated" : "role_changed";
    await publishRevocation(ctx.bus, { userId: row.id, reason });
  }
  ctx.log.info({ userId: row.id, by: actor.id, ...changes }, "user updated");
  return presentAdminUser(row);
}
