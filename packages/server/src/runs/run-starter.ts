import { type CreateRunBody, isUuid, LANGUAGE_INFO, type Run } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { canManageSession, runRefusal } from "../auth/policies.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { isParticipant } from "../storage/participants.ts";
import { presentLiveRun } from "./run-summary.ts";

/**
 * Starts a program run in a session: a member student runs their own code; the session's
 * teacher (or an admin) runs their own or a student's (`userId`). A new run of the same
 * student stops their previous one. The run's wall time is the session's limit. The class
 * controls bind students: running denied (403 `runs_disabled`), the language locked (422
 * `language_locked` for a run in another language).
 */
export async function runStarter(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
  body: CreateRunBody,
): Promise<Run> {
  if (!isUuid(sessionId)) throw fail("not_found");
  // One query: the session and whether the caller is in it (this is on the way to the program's start).
  const session = await ctx.db
    .selectFrom("sessions")
    .select((eb) => [
      "teacher_id",
      "status",
      "run_time_limit_seconds",
      "language",
      "running",
      "language_locked",
      eb
        .exists(
          eb
            .selectFrom("participants")
            .select("user_id")
            .where("session_id", "=", sessionId)
            .where("user_id", "=", actor.id),
        )
        .as("member"),
    ])
    .where("id", "=", sessionId)
    .executeTakeFirst();
  if (!session) throw fail("not_found");
  const manage = canManageSession(actor, session);
  if (!manage && !session.member) throw fail("forbidden", "You are not in this session.");
  const userId = body.userId?.toLowerCase() ?? actor.id;
  if (userId !== actor.id) {
    if (!manage) throw fail("forbidden", "You can only run your own code.");
    if (!(await isParticipant(ctx.db, sessionId, userId))) {
      throw fail("validation_failed", "userId: This student is not in the session.", [
        { path: "userId", message: "This student is not in the session." },
      ]);
    }
  }
  if (session.status === "ended") throw fail("session_ended");
  const refusal = runRefusal(manage, session, body.language);
  if (refusal === "language_locked")
    throw fail(
      "language_locked",
      `Your teacher has locked the language: run your code in ${LANGUAGE_INFO[session.language].label}.`,
    );
  if (refusal) throw fail(refusal);

  const record = await ctx.runs.start({
    sessionId,
    teacherId: session.teacher_id,
    userId,
    startedBy: actor.id,
    language: body.language,
    code: body.code,
    stdin: body.stdin,
    cols: body.cols,
    rows: body.rows,
    wallTimeMs: session.run_time_limit_seconds * 1000,
  });
  ctx.log.info(
    { runId: record.handle.id, sessionId, userId, startedBy: actor.id, language: body.language },
    "run started",
  );
  return presentLiveRun(record);
}
