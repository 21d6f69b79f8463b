import type { Session } from "@observer/protocol";
import type { Updateable } from "kysely";
import type { Actor } from "../auth/actor.ts";
import { publishSessionEditing, publishSessionEvent } from "../bus/session-events.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { presentSession } from "../presenters.ts";
import type { SessionsTable } from "../storage/schema.ts";
import { findSessionView } from "../storage/sessions.ts";
import { sessionAccess } from "./session-access.ts";

/** What PATCH /api/sessions/:id may change (each optional). */
export type SessionChanges = Partial<
  Pick<
    Session,
    | "name"
    | "starterCode"
    | "runTimeLimitSeconds"
    | "editing"
    | "running"
    | "languageLocked"
    | "broadcast"
    | "ai"
    | "aiQuestionsPerHour"
    | "archiveOnEnd"
    | "archiveRepo"
  >
>;

/**
 * Changes a session's settings and class controls (its teacher or an admin): name, starter
 * code (for students whose code does not exist yet; code already written stays), time per run
 * (from the next run on), editing (locked: students' documents turn read-only for them at once,
 * on every instance), running, the language lock, broadcast, AI help (and its questions per student per hour) and the
 * archive to GitHub at the end. An ended session
 * cannot change (410). Every connected member hears the new session on the session channel.
 */
export async function sessionUpdater(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
  props: SessionChanges,
): Promise<Session> {
  const access = await sessionAccess(ctx, actor, sessionId);
  if (!access.manage) throw fail("forbidden", "Only the session's teacher can change it.");
  if (access.session.status === "ended") throw fail("session_ended");
  // Kysely leaves out the columns given as undefined.
  const changes: Updateable<SessionsTable> = {
    name: props.name,
    starter_code: props.starterCode,
    run_time_limit_seconds: props.runTimeLimitSeconds,
    editing: props.editing,
    running: props.running,
    language_locked: props.languageLocked,
    broadcast: props.broadcast,
    ai: props.ai,
    ai_questions_per_hour: props.aiQuestionsPerHour,
    archive_on_end: props.archiveOnEnd,
    archive_repo: props.archiveRepo,
  };
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
  // The documents' lock first: whoever hears the event below is already bound by it.
  if (props.editing !== undefined) await publishSessionEditing(ctx.bus, sessionId, session.editing);
  await publishSessionEvent(ctx.bus, sessionId, { type: "session_updated", session });
  const fields = Object.keys(changes).filter((key) => changes[key as keyof typeof changes] !== undefined);
  ctx.log.info({ sessionId, by: actor.id, fields }, "session updated");
  return session;
}
