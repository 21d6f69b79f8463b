import type { Extension, onAuthenticatePayload } from "@hocuspocus/server";
import { CLOSE_CODES, parseStudentDocumentName } from "@observer/protocol";
import { authenticate } from "../../auth/actor.ts";
import type { Ctx } from "../../context.ts";
import { AppError } from "../../errors.ts";
import { isParticipant } from "../../queries/sessions.ts";
import type { CloseReason, CollabContext } from "../context.ts";

export const unauthorized: CloseReason = { code: CLOSE_CODES.unauthorized, reason: "Unauthorized" };
export const forbidden: CloseReason = { code: CLOSE_CODES.forbidden, reason: "Forbidden" };

/**
 * Who may open which document: a student only their own document of a session they joined;
 * the session's teacher every participant's document of that session; nobody else. Ended
 * sessions are read-only. Runs on every (re)connection, so a revoked login stops at once.
 */
export class Authentication implements Extension {
  extensionName = "observer-authentication";
  priority = 1000;

  constructor(
    private readonly ctx: Ctx,
    private readonly onRefused: (payload: onAuthenticatePayload, reason: CloseReason) => void,
  ) {}

  async onAuthenticate(payload: onAuthenticatePayload): Promise<CollabContext> {
    try {
      return await this.check(payload);
    } catch (err) {
      const reason = err === unauthorized || err === forbidden ? (err as CloseReason) : null;
      if (!reason)
        this.ctx.log.error({ err, document: payload.documentName }, "collab authentication failed");
      this.onRefused(payload, reason ?? forbidden);
      throw reason ?? forbidden;
    }
  }

  private async check(payload: onAuthenticatePayload): Promise<CollabContext> {
    const names = parseStudentDocumentName(payload.documentName);
    if (!payload.token) throw unauthorized;
    const actor = await authenticate(this.ctx.db, this.ctx.tokens, payload.token).catch((err: unknown) => {
      if (err instanceof AppError && err.status === 401) throw unauthorized;
      throw forbidden;
    });
    if (!names) throw forbidden;
    const session = await this.ctx.db
      .selectFrom("sessions")
      .select(["teacher_id", "status"])
      .where("id", "=", names.sessionId)
      .executeTakeFirst();
    if (!session) throw forbidden;
    const asTeacher = actor.id === session.teacher_id && actor.id !== names.studentId;
    if (actor.id !== names.studentId && !asTeacher) throw forbidden;
    if (!(await isParticipant(this.ctx.db, names.sessionId, names.studentId))) throw forbidden;
    if (session.status !== "active") payload.connectionConfig.readOnly = true;
    return {
      user: { id: actor.id, name: actor.name, role: actor.role },
      sessionId: names.sessionId,
      studentId: names.studentId,
      asTeacher,
    };
  }
}
