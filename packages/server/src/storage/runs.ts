import type { Language, RunStatus } from "@observer/protocol";
import { sql } from "kysely";
import type { Db } from "./database.ts";
import type { RunRow } from "./schema.ts";

/** Queries on the runs table (migrations/003_runs.sql). */

/** A run as first recorded (queued). */
export interface NewRunRow {
  id: string;
  sessionId: string;
  /** The student the run is for. */
  userId: string;
  /** Who pressed Run (the student, or the teacher). */
  startedBy: string;
  language: Language;
  /** SHA-256 of the code, hex (the code itself lives in the student's document). */
  codeHash: string;
  /** The instance recording it (several instances: its heartbeat says whether it is alive). */
  instanceId?: string | null;
}

/** The columns that hold how a run ended (runs/run-outcome.ts maps them). */
export type RunOutcomeColumns = Pick<
  RunRow,
  | "exit_code"
  | "signal"
  | "timed_out"
  | "output_truncated"
  | "duration_ms"
  | "killed_for"
  | "phase"
  | "cpu_time_limit_ms"
>;

/** Records a run as queued. */
export async function insertRun(db: Db, run: NewRunRow): Promise<void> {
  await db
    .insertInto("runs")
    .values({
      id: run.id,
      session_id: run.sessionId,
      user_id: run.userId,
      started_by: run.startedBy,
      language: run.language,
      code_hash: run.codeHash,
      instance_id: run.instanceId ?? null,
      started_at: null,
      finished_at: null,
      duration_ms: null,
      exit_code: null,
      signal: null,
      killed_for: null,
      phase: null,
    })
    .execute();
}

/** Records a live state; the first state past `queued` sets started_at. */
export async function updateRunStatus(db: Db, id: string, status: RunStatus, at = new Date()): Promise<void> {
  await db
    .updateTable("runs")
    .set((eb) => ({
      status,
      started_at: status === "queued" ? eb.ref("started_at") : eb.fn.coalesce("started_at", eb.val(at)),
    }))
    .where("id", "=", id)
    .where("status", "not in", ["finished", "failed"])
    .execute();
}

/**
 * Records how a run ended, with its output as stored: `finished`, or `failed` with the reason
 * when it could not be carried to its end (`failureReason`).
 */
export async function finishRun(
  db: Db,
  id: string,
  outcome: RunOutcomeColumns,
  output: string,
  failureReason: string | null = null,
  at = new Date(),
): Promise<void> {
  await db
    .updateTable("runs")
    .set((eb) => ({
      ...outcome,
      status: failureReason ? "failed" : "finished",
      failure_reason: failureReason,
      started_at: eb.fn.coalesce("started_at", eb.val(at)),
      finished_at: at,
      output,
    }))
    .where("id", "=", id)
    .execute();
}

export async function findRun(db: Db, id: string): Promise<RunRow | undefined> {
  return db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
}

export const RUN_COLUMNS_BUT_OUTPUT = [
  "id",
  "session_id",
  "user_id",
  "started_by",
  "language",
  "code_hash",
  "status",
  "queued_at",
  "started_at",
  "finished_at",
  "duration_ms",
  "exit_code",
  "signal",
  "timed_out",
  "output_truncated",
  "killed_for",
  "phase",
  "cpu_time_limit_ms",
  "instance_id",
  "failure_reason",
] as const satisfies readonly Exclude<keyof RunRow, "output">[];

/**
 * The latest run of each student of a session (the dashboard's tiles), newest first; only
 * `userId`'s when given. With `outputChars`, `output` holds only the end of each run's output
 * (a tile shows a few lines; the whole output may be a megabyte per student).
 */
export async function latestRunsOfSession(
  db: Db,
  sessionId: string,
  options: { userId?: string; outputChars?: number } = {},
): Promise<RunRow[]> {
  const { userId, outputChars } = options;
  const rows = await db
    .selectFrom("runs")
    .select([...RUN_COLUMNS_BUT_OUTPUT])
    .select(
      outputChars === undefined
        ? sql<string>`output`.as("output")
        : sql<string>`right(output, ${sql.lit(outputChars)})`.as("output"),
    )
    .distinctOn("user_id")
    .where("session_id", "=", sessionId)
    .$if(userId !== undefined, (q) => q.where("user_id", "=", userId as string))
    .orderBy("user_id")
    .orderBy("queued_at", "desc")
    .execute();
  return rows.sort((a, b) => b.queued_at.getTime() - a.queued_at.getTime());
}

/** A session's runs without their output, newest first; only `userId`'s when given. */
export function runsOfSession(
  db: Db,
  sessionId: string,
  options: { userId?: string | undefined; limit: number },
): Promise<Omit<RunRow, "output">[]> {
  return db
    .selectFrom("runs")
    .select([...RUN_COLUMNS_BUT_OUTPUT])
    .where("session_id", "=", sessionId)
    .$if(options.userId !== undefined, (q) => q.where("user_id", "=", options.userId as string))
    .orderBy("queued_at", "desc")
    .orderBy("id", "desc")
    .limit(options.limit)
    .execute();
}

const UNFINISHED: RunStatus[] = ["queued", "compiling", "running"];

/**
 * Marks runs the database shows as under way as failed: the process that ran them is gone.
 * All of them (one instance alone, at its start), or those recorded by the given instances
 * (their heartbeat stopped), or the given runs. Returns how many.
 */
export async function markInterruptedRuns(
  db: Db,
  options: { instanceIds?: string[]; runIds?: string[]; reason?: string; notice?: string } = {},
): Promise<number> {
  const { instanceIds, runIds, reason = "server restarted" } = options;
  if (instanceIds?.length === 0 || runIds?.length === 0) return 0;
  const notice = options.notice ?? "The server restarted during this run.";
  const result = await db
    .updateTable("runs")
    .set((eb) => ({
      status: "failed",
      failure_reason: reason,
      finished_at: eb.fn.coalesce("finished_at", eb.val(new Date())),
      output: eb(eb.ref("output"), "||", `\r\n[${notice}]\r\n`),
    }))
    .where("status", "in", UNFINISHED)
    .$if(instanceIds !== undefined, (q) => q.where("instance_id", "in", instanceIds as string[]))
    .$if(runIds !== undefined, (q) => q.where("id", "in", runIds as string[]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The instances that recorded runs still under way (to check their heartbeats). */
export async function instancesWithUnfinishedRuns(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom("runs")
    .select("instance_id")
    .distinct()
    .where("status", "in", UNFINISHED)
    .where("instance_id", "is not", null)
    .execute();
  return rows.map((r) => r.instance_id as string);
}

/**
 * Moves the unfinished runs of a dead instance to this one, atomically: of several instances
 * adopting at once, each run goes to one. Returns the adopted rows (without output).
 */
export async function adoptRuns(db: Db, fromInstance: string, toInstance: string) {
  return db
    .updateTable("runs")
    .set({ instance_id: toInstance })
    .where("instance_id", "=", fromInstance)
    .where("status", "in", UNFINISHED)
    .returning([...RUN_COLUMNS_BUT_OUTPUT])
    .execute();
}

/**
 * A stored run failed: the SQL twin of `runFailure` (protocol run-failure.ts) — a limit stopped
 * it, or it exited nonzero (the compiler included) or on a signal. Keep the two in step.
 */
export const RUN_FAILED = sql<boolean>`(timed_out or coalesce(killed_for, '') in ('time', 'cpu', 'memory', 'output')
  or exit_code is distinct from 0 or signal is not null)`;

/** SQL twin of `hasVerdict`: the run's ending says something about the program. */
export const RUN_HAS_VERDICT = sql<boolean>`(status = 'finished' and killed_for is distinct from 'user')`;

/**
 * How many of each student's latest runs with a verdict failed in a row (`failedInARow` of the
 * roster), in one query for the whole session: the failed runs after the student's last
 * successful one. Runs under way, stopped by a person or that the server could not run
 * (`hasVerdict` in protocol run-failure.ts) are skipped. Students without a failure since
 * their last success are absent (0).
 */
export async function failedInARowOfSession(
  db: Db,
  sessionId: string,
  options: { userId?: string | undefined } = {},
): Promise<Map<string, number>> {
  const onlyUser = options.userId === undefined ? sql`` : sql`and user_id = ${options.userId}`;
  const { rows } = await sql<{ user_id: string; failed: number }>`
    with verdicts as (
      select user_id, queued_at, ${RUN_FAILED} as failed
      from runs
      where session_id = ${sessionId} and status = 'finished' and killed_for is distinct from 'user' ${onlyUser}
    ), last_success as (
      select user_id, max(queued_at) as at from verdicts where not failed group by user_id
    )
    select v.user_id, count(*)::int as failed
    from verdicts v left join last_success s on s.user_id = v.user_id
    where v.failed and (s.at is null or v.queued_at > s.at)
    group by v.user_id`.execute(db);
  return new Map(rows.map((row) => [row.user_id, Number(row.failed)]));
}
