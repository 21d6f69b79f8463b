import { type CreateRunBody, LIMITS, type Run, utf8Bytes } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { canManageSession } from "../auth/policies.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { isParticipant } from "../queries/sessions.ts";
import { presentLiveRun } from "../runs/run-summary.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Code over the document cap is 413 (not a validation error), checked before the body is
 * validated so the answer does not depend on the other fields.
 */
export function checkCodeSize(body: unknown): void {
  const code = (body as { code?: unknown } | null)?.code;
  if (typeof code === "string" && utf8Bytes(code) > LIMITS.codeBytes) {
    throw fail(
      "code_too_large",
      `The code is ${Math.ceil(utf8Bytes(code) / 1024)} KB; at most ${LIMITS.codeBytes / 1024} KB can run.`,
    );
  }
}

/**
 * Starts a program run in a session: a member student runs their own code; the session's
 * teacher (or an admin) runs their own or a student's (`userId`). A new run of the same
 * student stops their previous one. The run's wall time is the session's limit.
 */
export async function runStarter(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
  body: CreateRunBody,
): Promise<Run> {
  if (!UUID.test(sessionId)) throw fail("not_found");
  // One query: the session and whether the caller is in it (this is on the way to the program's start).
  const session = await ctx.db
    .selectFrom("sessions")
    .select((eb) => [
      "teacher_id",
      "status",
      "run_time_limit_seconds",
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

  const record = await ctx.runs.start({
    sessionId,
    teacherId: session.teacher_id,
    userId,
    startedBy: actor.id,
    language: body.language,
    code: body.code,
    ...(body.stdin !== undefined ? { stdin: body.stdin } : {}),
    ...(body.cols ? { cols: body.cols } : {}),
    ...(body.rows ? { rows: body.rows } : {}),
    wallTimeMs: session.run_time_limit_seconds * 1000,
  });
  ctx.log.info(
    { runId: record.handle.id, sessionId, userId, startedBy: actor.id, language: body.language },
    "run started",
  );
  return presentLiveRun(record);
}
