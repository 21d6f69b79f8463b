import type { Actor } from "../auth/actor.ts";
import { publishRevocation } from "../bus/revocations.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { sessionAccess } from "./session-access.ts";

/**
 * The session's teacher (or an admin) removes a student from it: the student loses the
 * session at once, their open sockets about it close on every instance (their document, the
 * session channel, their run terminals). Their document, history and runs are kept for the
 * teacher. A removed student can join again with the join code while the session is active.
 */
export async function participantRemover(
  ctx: Ctx,
  actor: Actor,
  props: { sessionId: string; userId: string },
): Promise<void> {
  const access = await sessionAccess(ctx, actor, props.sessionId);
  if (!access.manage) throw fail("forbidden", "Only the session's teacher can remove a student.");
  const removed = await ctx.db
    .deleteFrom("participants")
    .where("session_id", "=", props.sessionId)
    .where("user_id", "=", props.userId)
    .returning("user_id")
    .executeTakeFirst();
  if (!removed) throw fail("not_found", "This student is not in the session.");
  await publishRevocation(ctx.bus, { userId: props.userId, reason: "removed_from_session" });
  ctx.log.info({ sessionId: props.sessionId, userId: props.userId, by: actor.id }, "participant removed");
}
