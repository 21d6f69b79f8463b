import type { Actor } from "../auth/actor.ts";
import { documentAccess } from "../auth/policies.ts";
import { sessionAccess } from "../commands/session-access.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import type { SessionViewRow } from "../presenters.ts";

/** A student of a session whose history the caller may read. */
export interface StudentHistory {
  session: SessionViewRow;
  student: { id: string; name: string; joinedAt: Date };
}

/**
 * Whether the caller may read a student's history in a session (timeline, code at a moment,
 * playback, their export): whoever manages the session any participant's, a member student
 * their own (another's is 403); anyone else learns nothing (404, as for the session itself).
 */
export async function studentHistoryAccess(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
  studentId: string,
): Promise<StudentHistory> {
  const { session } = await sessionAccess(ctx, actor, sessionId);
  const access = documentAccess(actor, { teacher_id: session.teacher_id }, studentId);
  if (!access) throw fail("forbidden", "You can only see your own history.");
  const student = await ctx.db
    .selectFrom("participants")
    .innerJoin("users", "users.id", "participants.user_id")
    .select(["users.id", "users.name", "participants.joined_at"])
    .where("participants.session_id", "=", sessionId)
    .where("participants.user_id", "=", studentId)
    .executeTakeFirst();
  if (!student) throw fail("not_found", "This student is not in the session.");
  return { session, student: { id: student.id, name: student.name, joinedAt: student.joined_at } };
}
