import type { Session } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { publishSessionEvent } from "../bus/session-events.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { presentSession } from "../presenters.ts";
import { findSessionView } from "../storage/sessions.ts";
import { sessionAccess } from "./session-access.ts";

/**
 * Changes a session's settings (its teacher or an admin): name, starter code (for students
 * whose code does not exist yet; code already written stays) and time per run (from the next
 * run on). An ended session cannot change (410). Every connected member hears the new
 * session on the session channel.
 */
export async function sessionUpdater(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
  props: { name?: string; starterCode?: string; runTimeLimitSeconds?: number },
): Promise<Session> {
  const access = await sessionAccess(ctx, actor, sessionId);
  if (!access.manage) throw fail("forbidden", "Only the session's teacher can change it.");
  if (access.session.status === "ended") throw fail("session_ended");
  const changes: { name?: string; starter_code?: string; run_time_limit_seconds?: number } = {};
  if (props.name !== undefined) changes.name = props.name;
  if (props.starterCode !== undefined) changes.starter_code = props.starterCode;
  if (props.runTimeLimitSeconds !== undefined) changes.run_time_limit_seconds = props.runTimeLimitSeconds;
  const updated = await ctx.db
    .updateTable("sessions")
    .set(changes)
    .where("id", "=", sessionId)
    .where("status", "=", "active")
    .returning("id")
    .executeTakeFirst();
  // Ended between the check and the update.
  if (!updated) throw fail("session_ended");
  const view = await findSessionView(ctx.db, sessionId);
  if (!view) throw fail("not_found");
  const session = presentSession(view);
  await publishSessionEvent(ctx.bus, sessionId, { type: "session_updated", session });
  ctx.log.info({ sessionId, by: actor.id, fields: Object.keys(changes) }, "session updated");
  return session;
}
