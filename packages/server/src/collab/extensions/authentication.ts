import type { Extension, onAuthenticatePayload } from "@hocuspocus/server";
import { CLOSE_CODES, parseDocumentName } from "@observer/protocol";
import { sql } from "kysely";
import { type Actor, authenticate } from "../../auth/actor.ts";
import { broadcastAccess, documentAccess } from "../../auth/policies.ts";
import type { Ctx } from "../../context.ts";
import { AppError } from "../../errors.ts";
import { isParticipant } from "../../storage/participants.ts";
import type { CloseReason, CollabContext } from "../context.ts";

export const unauthorized: CloseReason = { code: CLOSE_CODES.unauthorized, reason: "Unauthorized" };
export const forbidden: CloseReason = { code: CLOSE_CODES.forbidden, reason: "Forbidden" };

/**
 * Who may open which document (auth/policies.ts decides): a student only their own document of
 * a session they joined; whoever manages the session (its teacher, an admin) every
 * participant's document of that session; nobody else. Ended sessions are read-only once the
 * end's grace period is over (config.live.sessionEndGraceMs: the edits in flight at the end are
 * still taken, see CollabServer.sessionEnded); while the teacher locked editing, a student's own
 * document drops their changes (extensions/editing-lock.ts). The session's broadcast document
 * (`sessions/<id>/broadcast`) is written by whoever manages the session and read by its member
 * students (their connection is read-only: their changes are not applied); the lock does not
 * bind it. Runs on every (re)connection; and when a user's rights shrink (logout, deactivation,
 * a role change, removal from the session) CollabServer re-checks their open connections with
 * `authorize` and closes those no longer allowed, so a revoked login stops at once.
 */
export class Authentication implements Extension {
  extensionName = "observer-authentication";
  priority = 1000;

  constructor(
    private readonly ctx: Ctx,
    private readonly onRefused: (payload: onAuthenticatePayload, reason: CloseReason) => void,
    /** Counts the user's socket against their cap of open sockets; null when admitted. */
    private readonly admit: (payload: onAuthenticatePayload, context: CollabContext) => CloseReason | null,
  ) {}

  async onAuthenticate(payload: onAuthenticatePayload): Promise<CollabContext> {
    try {
      const context = await this.check(payload);
      const refusal = this.admit(payload, context);
      if (refusal) throw refusal;
      return context;
    } catch (err) {
      const reason = isCloseReason(err) ? err : null;
      if (!reason)
        this.ctx.log.error({ err, document: payload.documentName }, "collab authentication failed");
      this.onRefused(payload, reason ?? forbidden);
      throw reason ?? forbidden;
    }
  }

  private async check(payload: onAuthenticatePayload): Promise<CollabContext> {
    if (!payload.token) throw unauthorized;
    const checkedAt = Date.now();
    const actor = await authenticate(this.ctx.db, this.ctx.tokens, payload.token).catch((err: unknown) => {
      if (err instanceof AppError && err.status === 401) throw unauthorized;
      throw forbidden;
    });
    const { context, readOnly } = await this.authorize(actor, payload.documentName, checkedAt);
    if (readOnly) payload.connectionConfig.readOnly = true;
    return context;
  }

  /**
   * What an authenticated user may do with a document (as of now): throws `forbidden`, or
   * returns the connection's context and whether it is read-only.
   */
  async authorize(
    actor: Actor,
    documentName: string,
    checkedAt: number,
  ): Promise<{ context: CollabContext; readOnly: boolean }> {
    const address = parseDocumentName(documentName);
    if (!address) throw forbidden;
    const graceSeconds = this.ctx.config.live.sessionEndGraceMs / 1000;
    const session = await this.ctx.db
      .selectFrom("sessions")
      .select((eb) => [
        "teacher_id",
        "status",
        "editing",
        // Decided by the database's clock, the one that set ended_at.
        sql<boolean>`${eb.ref("ended_at")} > now() - make_interval(secs => ${graceSeconds})`.as(
          "in_end_grace",
        ),
      ])
      .where("id", "=", address.sessionId)
      .executeTakeFirst();
    if (!session) throw forbidden;
    const sessionReadOnly = session.status !== "active" && !session.in_end_grace;
    const base = {
      user: { id: actor.id, name: actor.name, role: actor.role },
      sessionId: address.sessionId,
      actor,
      checkedAt,
      editing: session.editing,
      sessionReadOnly,
    };
    if (address.kind === "broadcast") {
      // Whoever manages the session writes; a member student reads (whether broadcast is on or off).
      const member = await isParticipant(this.ctx.db, address.sessionId, actor.id);
      const access = broadcastAccess(actor, session, member);
      if (!access) throw forbidden;
      const asTeacher = access === "write";
      return {
        context: { ...base, kind: "broadcast", studentId: null, asTeacher },
        readOnly: sessionReadOnly || !asTeacher,
      };
    }
    // The session's teacher (while still a teacher) and admins observe; a student opens their own.
    const access = documentAccess(actor, session, address.studentId);
    if (!access) throw forbidden;
    const asTeacher = access === "observe";
    if (!(await isParticipant(this.ctx.db, address.sessionId, address.studentId))) throw forbidden;
    return {
      context: { ...base, kind: "student", studentId: address.studentId, asTeacher },
      // The teacher's editing lock is not a read-only scope (it opens again): EditingLock drops the changes.
      readOnly: sessionReadOnly,
    };
  }
}

const isCloseReason = (err: unknown): err is CloseReason =>
  typeof err === "object" &&
  err !== null &&
  typeof (err as CloseReason).code === "number" &&
  typeof (err as CloseReason).reason === "string";
