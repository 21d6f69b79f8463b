import type { AnalyticsReply, MinuteAnalytics, StudentAnalytics } from "@observer/protocol";
import { sql } from "kysely";
import type { Db } from "../storage/database.ts";
import { RUN_FAILED, RUN_HAS_VERDICT } from "../storage/runs.ts";

const FAILED = sql<boolean>`(${RUN_HAS_VERDICT} and ${RUN_FAILED})`;
const SUCCEEDED = sql<boolean>`(${RUN_HAS_VERDICT} and not ${RUN_FAILED})`;

interface StudentRow {
  user_id: string;
  name: string;
  joined_at: Date;
  edits: string;
  typed: string;
  pastes: string;
  pasted: string;
  runs: string;
  failed_runs: string;
  first_success_at: Date | null;
  hands: string;
  active_minutes: string;
}

/** Each participant's figures over a session, in one query (see `StudentAnalytics`). */
async function studentFigures(db: Db, sessionId: string, studentId?: string): Promise<StudentAnalytics[]> {
  const onlyStudent = studentId ? sql`and p.user_id = ${studentId}` : sql``;
  const { rows } = await sql<StudentRow>`
    with e as (
      select student_id,
        coalesce(sum(changes) filter (where kind in ('edit', 'paste')), 0) as edits,
        coalesce(sum(inserted) filter (where kind = 'edit'), 0) as typed,
        count(*) filter (where kind = 'paste') as pastes,
        coalesce(sum(inserted) filter (where kind = 'paste'), 0) as pasted
      from edit_events where session_id = ${sessionId} group by student_id
    ), r as (
      select user_id, count(*) as runs, count(*) filter (where ${FAILED}) as failed_runs,
        min(queued_at) filter (where ${SUCCEEDED}) as first_success_at
      from runs where session_id = ${sessionId} group by user_id
    ), h as (
      select user_id, count(*) as hands from hands where session_id = ${sessionId} group by user_id
    ), m as (
      select student_id as user_id, count(distinct minute) as active_minutes from (
        select student_id, date_trunc('minute', at) as minute from edit_events
          where session_id = ${sessionId} and kind in ('edit', 'paste')
        union all
        select user_id, date_trunc('minute', queued_at) from runs where session_id = ${sessionId}
      ) activity group by student_id
    )
    select p.user_id, u.name, p.joined_at,
      coalesce(e.edits, 0) as edits, coalesce(e.typed, 0) as typed, coalesce(e.pastes, 0) as pastes,
      coalesce(e.pasted, 0) as pasted, coalesce(r.runs, 0) as runs, coalesce(r.failed_runs, 0) as failed_runs,
      r.first_success_at, coalesce(h.hands, 0) as hands, coalesce(m.active_minutes, 0) as active_minutes
    from participants p
    join users u on u.id = p.user_id
    left join e on e.student_id = p.user_id
    left join r on r.user_id = p.user_id
    left join h on h.user_id = p.user_id
    left join m on m.user_id = p.user_id
    where p.session_id = ${sessionId} ${onlyStudent}
    order by u.name, p.user_id`.execute(db);
  return rows.map((row) => {
    const firstSuccess = row.first_success_at ? new Date(row.first_success_at) : null;
    return {
      userId: row.user_id,
      name: row.name,
      edits: Number(row.edits),
      charactersTyped: Number(row.typed),
      pastes: Number(row.pastes),
      charactersPasted: Number(row.pasted),
      runs: Number(row.runs),
      failedRuns: Number(row.failed_runs),
      hands: Number(row.hands),
      activeMinutes: Number(row.active_minutes),
      firstSuccessAt: firstSuccess?.toISOString() ?? null,
      minutesToFirstSuccess: firstSuccess
        ? Math.max(0, Math.round((firstSuccess.getTime() - new Date(row.joined_at).getTime()) / 6000) / 10)
        : null,
    };
  });
}

interface MinuteRow {
  minute: Date;
  edits: string;
  pastes: string;
  runs: string;
  failed_runs: string;
  hands: string;
}

/** The class's activity per minute (minutes with nothing left out), oldest first. */
async function minuteFigures(db: Db, sessionId: string): Promise<MinuteAnalytics[]> {
  const { rows } = await sql<MinuteRow>`
    select minute, sum(edits) as edits, sum(pastes) as pastes, sum(runs) as runs,
      sum(failed_runs) as failed_runs, sum(hands) as hands
    from (
      select date_trunc('minute', at) as minute,
        sum(changes) filter (where kind in ('edit', 'paste')) as edits,
        count(*) filter (where kind = 'paste') as pastes, 0 as runs, 0 as failed_runs, 0 as hands
        from edit_events where session_id = ${sessionId} group by 1
      union all
      select date_trunc('minute', queued_at), 0, 0, count(*), count(*) filter (where ${FAILED}), 0
        from runs where session_id = ${sessionId} group by 1
      union all
      select date_trunc('minute', created_at), 0, 0, 0, 0, count(*)
        from hands where session_id = ${sessionId} group by 1
    ) parts
    group by minute
    order by minute`.execute(db);
  return rows.map((row) => ({
    minute: new Date(row.minute).toISOString(),
    edits: Number(row.edits ?? 0),
    runs: Number(row.runs),
    failedRuns: Number(row.failed_runs),
    hands: Number(row.hands),
    pastes: Number(row.pastes),
  }));
}

/** A session's analytics: a line per student and the class's minutes. */
export async function sessionAnalytics(db: Db, sessionId: string): Promise<AnalyticsReply> {
  const [students, minutes] = await Promise.all([
    studentFigures(db, sessionId),
    minuteFigures(db, sessionId),
  ]);
  return { students, minutes };
}

export { studentFigures };
