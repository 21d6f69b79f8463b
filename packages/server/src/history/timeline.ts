import { hasVerdict, type RunMarkerOutcome, runFailure, type TimelineEvent } from "@observer/protocol";
import { sql } from "kysely";
import { type JudgedColumns, judgedRow } from "../runs/run-outcome.ts";
import type { Db } from "../storage/database.ts";

/** How a run's marker shows it ended. */
export function runMarkerOutcome(run: JudgedColumns): RunMarkerOutcome {
  if (run.status === "queued" || run.status === "compiling" || run.status === "running") return "running";
  const judged = judgedRow(run);
  if (!hasVerdict(judged)) return "no_verdict";
  return runFailure(judged) === null ? "succeeded" : "failed";
}

interface EditRow {
  kind: "edit" | "paste" | "teacher_edit";
  at: Date;
  changes: number;
  inserted: number;
  deleted: number;
  author_id: string | null;
  name: string | null;
}

/**
 * A student's timeline in a session, oldest first: their typing (summed per minute, at its
 * last change), each paste and each save of a helper's edits (storage/edit-events), their runs
 * (when asked for) and their raised hands.
 */
export async function studentTimeline(
  db: Db,
  sessionId: string,
  studentId: string,
): Promise<TimelineEvent[]> {
  const [edits, runs, hands] = await Promise.all([
    // Typing per minute (a row per save would be thousands for a lab); pastes and helpers' edits one by one.
    sql<EditRow>`
      select 'edit' as kind, max(at) as at, sum(changes)::int as changes, sum(inserted)::int as inserted,
        sum(deleted)::int as deleted, null as author_id, null as name, min(id) as first_id
      from edit_events
      where session_id = ${sessionId} and student_id = ${studentId} and kind = 'edit'
      group by date_trunc('minute', at)
      union all
      select e.kind, e.at, e.changes, e.inserted, e.deleted, e.author_id, u.name, e.id
      from edit_events e left join users u on u.id = e.author_id
      where e.session_id = ${sessionId} and e.student_id = ${studentId} and e.kind <> 'edit'
      order by at, first_id`
      .execute(db)
      .then((r) => r.rows),
    db
      .selectFrom("runs")
      .select([
        "id",
        "status",
        "exit_code",
        "signal",
        "timed_out",
        "killed_for",
        "phase",
        "duration_ms",
        "queued_at",
        "started_by",
      ])
      .where("session_id", "=", sessionId)
      .where("user_id", "=", studentId)
      .orderBy("queued_at")
      .execute(),
    db
      .selectFrom("hands")
      .select(["id", "message", "line", "created_at"])
      .where("session_id", "=", sessionId)
      .where("user_id", "=", studentId)
      .orderBy("created_at")
      .execute(),
  ]);
  const events: TimelineEvent[] = [];
  for (const e of edits) {
    const at = new Date(e.at).toISOString();
    if (e.kind === "paste") events.push({ at, kind: "paste", length: e.inserted });
    else if (e.kind === "edit")
      events.push({
        at,
        kind: "edit",
        inserted: e.inserted,
        deleted: e.deleted,
        changes: Math.max(1, e.changes),
      });
    else
      events.push({
        at,
        kind: "teacher_edit",
        // A helper whose account was deleted since: the student's teacher, unnamed.
        userId: e.author_id ?? studentId,
        name: e.name ?? "A teacher",
        inserted: e.inserted,
        deleted: e.deleted,
      });
  }
  for (const run of runs) {
    const outcome = runMarkerOutcome(run);
    events.push({
      at: run.queued_at.toISOString(),
      kind: "run",
      runId: run.id,
      status: run.status,
      outcome,
      failure: outcome === "failed" ? runFailure(judgedRow(run)) : null,
      exitCode: run.exit_code,
      durationMs: run.duration_ms,
      byTeacher: run.started_by !== studentId,
    });
  }
  for (const hand of hands) {
    events.push({
      at: hand.created_at.toISOString(),
      kind: "hand",
      handId: hand.id,
      message: hand.message,
      line: hand.line,
    });
  }
  // Stable: events of one moment keep the order of their kinds above.
  return events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
