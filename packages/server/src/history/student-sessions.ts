import type { StudentSessionsReply } from "@observer/protocol";
import { sql } from "kysely";
import type { Actor } from "../auth/actor.ts";
import { canTeach, isAdmin } from "../auth/policies.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { RUN_FAILED, RUN_HAS_VERDICT } from "../storage/runs.ts";

interface Row {
  session_id: string;
  name: string;
  language: StudentSessionsReply["sessions"][number]["language"];
  status: "active" | "ended";
  created_at: Date;
  joined_at: Date;
  student_name: string;
  edits: string;
  pastes: string;
  runs: string;
  failed_runs: string;
  hands: string;
}

/**
 * A student's sessions among the caller's (a teacher's own; an admin's: all), newest first, with
 * the student's figures in each. A student the caller never taught is unknown to them (404).
 */
export async function studentSessions(
  ctx: Ctx,
  actor: Actor,
  studentId: string,
): Promise<StudentSessionsReply> {
  if (!canTeach(actor)) throw fail("teachers_only");
  const onlyOwn = isAdmin(actor) ? sql`` : sql`and s.teacher_id = ${actor.id}`;
  const { rows } = await sql<Row>`
    select s.id as session_id, s.name, s.language, s.status, s.created_at, p.joined_at, u.name as student_name,
      (select coalesce(sum(changes), 0) from edit_events e
        where e.session_id = s.id and e.student_id = p.user_id and e.kind in ('edit', 'paste')) as edits,
      (select count(*) from edit_events e
        where e.session_id = s.id and e.student_id = p.user_id and e.kind = 'paste') as pastes,
      (select count(*) from runs r where r.session_id = s.id and r.user_id = p.user_id) as runs,
      (select count(*) from runs r where r.session_id = s.id and r.user_id = p.user_id
        and ${RUN_HAS_VERDICT} and ${RUN_FAILED}) as failed_runs,
      (select count(*) from hands h where h.session_id = s.id and h.user_id = p.user_id) as hands
    from participants p
    join sessions s on s.id = p.session_id
    join users u on u.id = p.user_id
    where p.user_id = ${studentId} ${onlyOwn}
    order by s.created_at desc`.execute(ctx.db);
  const first = rows[0];
  if (!first) throw fail("not_found", "None of your sessions has this student.");
  return {
    student: { id: studentId, name: first.student_name },
    sessions: rows.map((r) => ({
      sessionId: r.session_id,
      name: r.name,
      language: r.language,
      status: r.status,
      createdAt: new Date(r.created_at).toISOString(),
      joinedAt: new Date(r.joined_at).toISOString(),
      edits: Number(r.edits),
      runs: Number(r.runs),
      failedRuns: Number(r.failed_runs),
      hands: Number(r.hands),
      pastes: Number(r.pastes),
    })),
  };
}
