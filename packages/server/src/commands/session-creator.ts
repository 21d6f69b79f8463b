import { randomUUID } from "node:crypto";
import type { CreateSessionBody, Language, Session } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { canTeach } from "../auth/policies.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { presentSession } from "../presenters.ts";
import { findSessionView } from "../storage/sessions.ts";
import { generateJoinCode } from "./join-code.ts";

const isUniqueViolation = (err: unknown) =>
  typeof err === "object" && err !== null && "code" in err && (err as { code: unknown }).code === "23505";

/**
 * Opens a coding session with a fresh join code, unique among active sessions: the partial
 * unique index decides, and a collision is retried with a new code.
 */
export async function sessionCreator(
  ctx: Ctx,
  actor: Actor,
  props: {
    name: string;
    language: Language;
    starterCode?: CreateSessionBody["starterCode"];
    runTimeLimitSeconds?: number;
  },
): Promise<Session> {
  if (!canTeach(actor)) throw fail("teachers_only");
  const id = randomUUID();
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.db
        .insertInto("sessions")
        .values({
          id,
          teacher_id: actor.id,
          name: props.name,
          join_code: generateJoinCode(attempt < 5 ? undefined : 8),
          language: props.language,
          starter_code: props.starterCode ?? "",
          // Left out when undefined: the column's default.
          run_time_limit_seconds: props.runTimeLimitSeconds,
        })
        .execute();
      break;
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= 10) throw err;
    }
  }
  const view = await findSessionView(ctx.db, id);
  if (!view) throw fail("internal_error");
  ctx.log.info({ sessionId: id, teacherId: actor.id }, "session created");
  return presentSession(view);
}
