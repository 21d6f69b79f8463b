import { createHash } from "node:crypto";
import type { Language, Run, RunResult, RunStatus } from "@observer/protocol";
import { sql } from "kysely";
import type { Db } from "../storage/database.ts";
import type { RunRow } from "./run-table.ts";
import type { RunHandle } from "./runner.ts";

/** Most output stored per run, in bytes of UTF-8. */
export const STORED_OUTPUT_BYTES = 1024 * 1024;

/** SHA-256 of the code, hex. */
export function codeHash(code: string): string {
  return createHash("sha256").update(code, "utf8").digest("hex");
}

/** Put before the end of an output kept only in part because its student's storage is full. */
export const QUOTA_CUT_NOTICE =
  "[Storage for this session is full: only the end of this output is kept.]\r\n";

/**
 * Output as stored: NUL removed (PostgreSQL text cannot hold it), cut to STORED_OUTPUT_BYTES
 * (its beginning kept), then to `roomBytes` (its end kept, after QUOTA_CUT_NOTICE) when the
 * student's storage quota leaves less room.
 */
export function storableOutput(
  output: string,
  roomBytes = STORED_OUTPUT_BYTES,
): { text: string; cut: boolean } {
  const clean = output.includes("\u0000") ? output.replaceAll("\u0000", "") : output;
  let text = clean;
  let cut = false;
  if (Buffer.byteLength(text) > STORED_OUTPUT_BYTES) {
    text = Buffer.from(text)
      .subarray(0, STORED_OUTPUT_BYTES)
      .toString("utf8")
      .replace(/\uFFFD$/, "");
    cut = true;
  }
  const bytes = Buffer.byteLength(text);
  if (bytes > roomBytes) {
    const keep = Math.max(0, roomBytes - Buffer.byteLength(QUOTA_CUT_NOTICE));
    const tail = Buffer.from(text)
      .subarray(bytes - keep)
      .toString("utf8")
      .replace(/^\uFFFD/, "");
    text = keep > 0 ? QUOTA_CUT_NOTICE + tail : "";
    cut = true;
  }
  return { text, cut };
}

export interface NewRun {
  id: string;
  sessionId: string;
  /** The student the run is for. */
  userId: string;
  /** Who pressed Run (the student, or the teacher). */
  startedBy: string;
  language: Language;
  code: string;
}

/** Records a run as queued. */
export async function insertRun(db: Db, run: NewRun): Promise<void> {
  await db
    .insertInto("runs")
    .values({
      id: run.id,
      session_id: run.sessionId,
      user_id: run.userId,
      started_by: run.startedBy,
      language: run.language,
      code_hash: codeHash(run.code),
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

/** Records how a run ended, with its output (capped). */
export async function finishRun(
  db: Db,
  id: string,
  result: RunResult,
  output: string,
  status: "finished" | "failed" = "finished",
  at = new Date(),
  roomBytes = STORED_OUTPUT_BYTES,
): Promise<void> {
  const stored = storableOutput(output, roomBytes);
  await db
    .updateTable("runs")
    .set((eb) => ({
      status,
      started_at: eb.fn.coalesce("started_at", eb.val(at)),
      finished_at: at,
      duration_ms: result.durationMs,
      exit_code: result.exitCode,
      signal: result.signal,
      timed_out: result.timedOut,
      output_truncated: result.outputTruncated || stored.cut,
      killed_for: result.killedFor,
      phase: result.phase,
      cpu_time_limit_ms: result.cpuTimeLimitMs ?? null,
      output: stored.text,
    }))
    .where("id", "=", id)
    .execute();
}

export async function findRun(db: Db, id: string): Promise<RunRow | undefined> {
  return db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
}

const RUN_COLUMNS_BUT_OUTPUT = [
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

/** The API's view of a stored run. */
export function presentRun(row: RunRow): Run {
  return {
    id: row.id,
    sessionId: row.session_id,
    userId: row.user_id,
    language: row.language,
    status: row.status,
    exitCode: row.exit_code,
    signal: row.signal,
    timedOut: row.timed_out,
    output: row.output,
    outputTruncated: row.output_truncated,
    durationMs: row.duration_ms,
    killedFor: row.killed_for,
    phase: row.phase,
    cpuTimeLimitMs: row.cpu_time_limit_ms,
    queuedAt: row.queued_at.toISOString(),
    startedAt: row.started_at ? row.started_at.toISOString() : null,
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
  };
}

export interface RecordRunLog {
  error(message: string): void;
}

/** How many bytes of its output a finished run may store (the student's storage quota), given what it wants. */
export type OutputRoom = (wantedBytes: number) => Promise<number>;

/**
 * Records a run from submission to its end: inserts it (queued), follows its states, and
 * stores its result and output. Database writes are applied in order; a failed write is
 * logged and never disturbs the run. Resolves once the final row is written.
 */
export async function recordRun(
  db: Db,
  handle: RunHandle,
  meta: Omit<NewRun, "id">,
  log?: RecordRunLog,
  outputRoom?: OutputRoom,
): Promise<void> {
  await trackRun(db, handle, meta, log, outputRoom).finished;
}

/** recordRun, telling also when the row has been inserted (and can be read). */
export function trackRun(
  db: Db,
  handle: RunHandle,
  meta: Omit<NewRun, "id">,
  log?: RecordRunLog,
  outputRoom?: OutputRoom,
): { inserted: Promise<void>; finished: Promise<void> } {
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (write: () => Promise<void>) => {
    chain = chain
      .then(write)
      .catch((err: unknown) => log?.error(`runs: cannot record run ${handle.id}: ${String(err)}`));
    return chain;
  };
  const inserted = enqueue(() => insertRun(db, { ...meta, id: handle.id }));
  // Only changes of state are written: a new place in the queue (each run ahead of it that
  // starts, so O(n²) events in a burst of n) changes nothing that is stored.
  let stored: RunStatus = "queued";
  const onStatus = (event: { status: RunStatus }) => {
    if (event.status === stored) return;
    stored = event.status;
    void enqueue(() => updateRunStatus(db, handle.id, event.status));
  };
  handle.on("status", onStatus);
  const finished = (async () => {
    await inserted;
    if (handle.status !== "queued" && handle.status !== "finished") onStatus({ status: handle.status });
    const result = await handle.result;
    handle.off("status", onStatus);
    await enqueue(async () => {
      const wanted = Buffer.byteLength(storableOutput(handle.transcript).text);
      let room = STORED_OUTPUT_BYTES;
      if (outputRoom && wanted > 0) {
        // A failing quota check never loses the run's record: it is stored as it would be without.
        room = await outputRoom(wanted).catch((err: unknown) => {
          log?.error(`runs: cannot check the storage quota of run ${handle.id}: ${String(err)}`);
          return STORED_OUTPUT_BYTES;
        });
      }
      await finishRun(db, handle.id, result, handle.transcript, "finished", new Date(), room);
    });
  })();
  return { inserted, finished };
}
