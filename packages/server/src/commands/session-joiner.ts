import type { Session } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { canJoinSessions } from "../auth/policies.ts";
import { publishSessionEvent } from "../bus/session-events.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { presentSession } from "../presenters.ts";
import { sessionViews } from "../storage/sessions.ts";

/**
 * Joins a session by its code (normalised to upper case by the schema). Idempotent: joining
 * again returns the same session. The session's own teacher gets the session without joining.
 */
export async function sessionJoiner(ctx: Ctx, actor: Actor, joinCode: string): Promise<Session> {
  const newest = await sessionViews(ctx.db)
    .where("sessions.join_code", "=", joinCode)
    // An active session with this code first; else the newest ended one (-> 410).
    .orderBy("sessions.status", "asc")
    .orderBy("sessions.created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!newest) throw fail("session_not_found");
  if (actor.id === newest.teacher_id) return presentSession(newest);
  if (newest.status !== "active") throw fail("session_ended");
  if (!canJoinSessions(actor)) throw fail("students_only");
  const joined = await ctx.db
    .insertInto("participants")
    .values({ session_id: newest.id, user_id: actor.id })
    .onConflict((oc) => oc.columns(["session_id", "user_id"]).doNothing())
    .returning("joined_at")
    .executeTakeFirst();
  if (joined) {
    await publishSessionEvent(ctx.bus, newest.id, {
      type: "participant_joined",
      participant: {
        userId: actor.id,
        name: actor.name,
        online: await ctx.presence.isOnline(newest.id, actor.id),
        joinedAt: joined.joined_at.toISOString(),
        lastEditAt: null,
        lastRun: null,
        failedInARow: 0,
        typedChars: 0,
        pastedChars: 0,
      },
    });
  }
  const view = await sessionViews(ctx.db).where("sessions.id", "=", newest.id).executeTakeFirstOrThrow();
  return presentSession(view);
}
