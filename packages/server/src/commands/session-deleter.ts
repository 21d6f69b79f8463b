import type { Actor } from "../auth/actor.ts";
import { publishSessionDeleted, publishSessionEvent } from "../bus/session-events.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { sessionAccess } from "./session-access.ts";

/**
 * Deletes a session and everything of it (its teacher or an admin): participants, documents
 * and their history, edit records, runs and their output, hands (the database cascades). Its
 * members hear it ended; then every instance stops its runs and closes its documents without
 * saving them again (reconnecting clients are refused: the session is gone).
 */
export async function sessionDeleter(ctx: Ctx, actor: Actor, sessionId: string): Promise<void> {
  const access = await sessionAccess(ctx, actor, sessionId);
  if (!access.manage) throw fail("forbidden", "Only the session's teacher can delete it.");
  await publishSessionEvent(ctx.bus, sessionId, { type: "session_ended", endedAt: new Date().toISOString() });
  const deleted = await ctx.db.deleteFrom("sessions").where("id", "=", sessionId).executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) throw fail("not_found");
  await publishSessionDeleted(ctx.bus, sessionId);
  ctx.log.info({ sessionId, by: actor.id }, "session deleted");
}
