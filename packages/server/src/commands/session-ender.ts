import type { Session } from "@observer/protocol";
import { sql } from "kysely";
import type { Actor } from "../auth/actor.ts";
import { publishSessionEnded, publishSessionEvent } from "../bus/session-events.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { archiveWhenEnded } from "../github/session-archive.ts";
import { presentSession } from "../presenters.ts";
import { findSessionView } from "../storage/sessions.ts";
import { sessionAccess } from "./session-access.ts";

/** Ends a session (its teacher or an admin). Idempotent: ending an ended session returns it. */
export async function sessionEnder(ctx: Ctx, actor: Actor, sessionId: string): Promise<Session> {
  const access = await sessionAccess(ctx, actor, sessionId);
  if (!access.manage) throw fail("forbidden", "Only the session's teacher can end it.");
  const ended = await ctx.db
    .updateTable("sessions")
    .set({ status: "ended", ended_at: sql`now()` })
    .where("id", "=", sessionId)
    .where("status", "=", "active")
    .returning("ended_at")
    .executeTakeFirst();
  if (ended?.ended_at) {
    await publishSessionEvent(ctx.bus, sessionId, {
      type: "session_ended",
      endedAt: ended.ended_at.toISOString(),
    });
    await publishSessionEnded(ctx.bus, sessionId);
    // "Archive when the session ends": in the background, failures only logged.
    if (access.session.archive_on_end && access.session.archive_repo) archiveWhenEnded(ctx, sessionId);
  }
  const view = await findSessionView(ctx.db, sessionId);
  if (!view) throw fail("not_found");
  ctx.log.info({ sessionId, by: actor.id }, "session ended");
  return presentSession(view);
}
