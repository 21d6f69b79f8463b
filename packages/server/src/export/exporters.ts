import { isUuid } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { sessionAccess } from "../commands/session-access.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import type { FileReply } from "../http/route.ts";
import { exportEstimateBytes, participantOf } from "../storage/export-reads.ts";
import { listParticipants } from "../storage/participants.ts";
import { slug, studentFolder } from "./export-names.ts";
import { sessionZip } from "./session-zip.ts";

/** The reply header with the export's estimated size in bytes (before compression), for a progress bar. */
export const EXPORT_ESTIMATE_HEADER = "x-observer-export-estimate";

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * The whole session as a zip (`GET /api/sessions/:id/export.zip`): its teacher and admins;
 * a member student gets 403, anyone else 404. The access is checked before a byte is sent.
 */
export async function sessionExporter(ctx: Ctx, actor: Actor, sessionId: string): Promise<FileReply> {
  const { session, manage } = await sessionAccess(ctx, actor, sessionId);
  if (!manage) throw fail("forbidden", "Only the session's teacher can export it.");
  const [students, estimate] = await Promise.all([
    listParticipants(ctx.db, session.id),
    exportEstimateBytes(ctx.db, session.id),
  ]);
  return {
    body: sessionZip(ctx.db, session, students),
    filename: `${slug(session.name, "session")}-${day(new Date())}.zip`,
    headers: { [EXPORT_ESTIMATE_HEADER]: String(estimate) },
  };
}

/**
 * One student's folder as a zip (`GET /api/sessions/:id/students/:userId/export.zip`): the
 * student their own, the session's teacher and admins anyone's; another student gets 403,
 * and a user who is not a student of the session 404.
 */
export async function studentExporter(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
  userId: string,
): Promise<FileReply> {
  const { session, manage } = await sessionAccess(ctx, actor, sessionId);
  const studentId = userId.toLowerCase();
  if (!manage && studentId !== actor.id) throw fail("forbidden", "You can only export your own code.");
  const student = isUuid(studentId) ? await participantOf(ctx.db, session.id, studentId) : undefined;
  if (!student) throw fail("not_found");
  const estimate = await exportEstimateBytes(ctx.db, session.id, student.user_id);
  return {
    body: sessionZip(ctx.db, session, [student], { only: student }),
    filename: `${slug(session.name, "session")}-${studentFolder(student)}.zip`,
    headers: { [EXPORT_ESTIMATE_HEADER]: String(estimate) },
  };
}
