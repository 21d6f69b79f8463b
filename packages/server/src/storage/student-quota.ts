import { sql } from "kysely";
import type { Db } from "./database.ts";
import { type CompactionTier, compactHistory, PRESSURE_TIERS, ROUTINE_TIERS } from "./history-compaction.ts";

/** Characters kept of an older run's output once its student is over the quota (a tile shows fewer). */
export const TRIMMED_OUTPUT_CHARS = 8 * 1024;
/** Least time between two compactions of one document forced by the quota. */
const PRESSURE_COMPACTION_EVERY_MS = 30_000;

/** The key of one user's storage in one session. */
const ownerKey = (sessionId: string, userId: string) => `${sessionId}/${userId}`;

export type QuotaKind = "history" | "run_output";

/** Who wants to know what the quota does (the metrics). */
export interface StorageObserver {
  quotaReached(kind: QuotaKind): void;
  compacted(reason: "routine" | "quota", bytesBefore: number, bytesAfter: number): void;
  outputTrimmed(bytes: number): void;
}

/**
 * What one user stores in one session: the history of the documents they own (a student's own
 * document; the session's teacher owns its broadcast) and their runs' output.
 */
export interface StudentUsage {
  historyBytes: number;
  outputBytes: number;
}

/** The student's message when their storage is full (they keep working; only history and old output suffer). */
export function quotaMessage(quotaBytes: number): string {
  const mb = Math.round(quotaBytes / (1024 * 1024));
  return (
    `Your storage for this session is full (${mb} MB of history and run output). ` +
    "Your code is still saved; its history is kept more coarsely and old run output is shortened."
  );
}

/**
 * The storage quota of each student in each session: their document's history plus the stored
 * output of their runs. Past it, in this order: the output of their older runs is cut to its
 * last TRIMMED_OUTPUT_CHARS characters, then their history is compacted into coarser rows;
 * only if that is not enough are new history rows folded into the last one and new runs
 * refused. The current code is always saved whatever the quota. Compactions (which replay a
 * document's whole history) run one at a time per instance.
 */
export class StudentQuota {
  private readonly observers: StorageObserver[] = [];
  private readonly lastPressure = new Map<string, number>();
  /**
   * Bytes a student may still write without measuring their usage again (half of what was free
   * when it was last measured), so that a save is not two aggregate queries. Half: two
   * instances writing for the same student together still stay within the quota.
   */
  private readonly headroom = new Map<string, number>();
  private lane: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    readonly quotaBytes: number,
  ) {}

  observe(observer: StorageObserver): void {
    this.observers.push(observer);
  }

  async usage(sessionId: string, studentId: string): Promise<StudentUsage> {
    const [history, output] = await Promise.all([
      this.db
        .selectFrom("document_updates")
        .innerJoin("documents", "documents.name", "document_updates.document_name")
        .select(sql<string>`coalesce(sum(octet_length(document_updates.update)), 0)`.as("bytes"))
        .where("documents.session_id", "=", sessionId)
        .where("documents.student_id", "=", studentId)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom("runs")
        .select(sql<string>`coalesce(sum(octet_length(output)), 0)`.as("bytes"))
        .where("session_id", "=", sessionId)
        .where("user_id", "=", studentId)
        .executeTakeFirstOrThrow(),
    ]);
    return { historyBytes: Number(history.bytes), outputBytes: Number(output.bytes) };
  }

  private async free(sessionId: string, studentId: string): Promise<number> {
    const u = await this.usage(sessionId, studentId);
    return this.quotaBytes - u.historyBytes - u.outputBytes;
  }

  /**
   * Makes room for `bytes` more of the student's storage (trimming older output, then compacting
   * the history); false when it cannot be made. `keepRunId` is a run whose output is not trimmed
   * (default: the student's latest run, whose output their terminal and the teacher's tile show).
   */
  async makeRoom(
    kind: QuotaKind,
    sessionId: string,
    studentId: string,
    bytes: number,
    keepRunId?: string,
  ): Promise<boolean> {
    const key = ownerKey(sessionId, studentId);
    const known = this.headroom.get(key) ?? 0;
    if (known >= bytes) {
      this.headroom.set(key, known - bytes);
      return true;
    }
    const before = await this.usage(sessionId, studentId);
    const free = this.quotaBytes - before.historyBytes - before.outputBytes;
    if (free >= bytes) {
      this.headroom.set(key, Math.floor((free - bytes) / 2));
      return true;
    }
    this.headroom.delete(key);
    for (const o of this.observers) o.quotaReached(kind);
    if ((await this.trimOlderOutput(sessionId, studentId, keepRunId)) > 0) {
      const after = await this.usage(sessionId, studentId);
      for (const o of this.observers) o.outputTrimmed(before.outputBytes - after.outputBytes);
      if (this.quotaBytes - after.historyBytes - after.outputBytes >= bytes) return true;
    }
    const last = this.lastPressure.get(key) ?? 0;
    if (Date.now() - last < PRESSURE_COMPACTION_EVERY_MS) return false;
    this.lastPressure.set(key, Date.now());
    const owned = await this.db
      .selectFrom("documents")
      .select("name")
      .where("session_id", "=", sessionId)
      .where("student_id", "=", studentId)
      .execute();
    for (const tiers of PRESSURE_TIERS) {
      for (const { name } of owned) await this.compact(name, tiers, "quota");
      if ((await this.free(sessionId, studentId)) >= bytes) return true;
    }
    return false;
  }

  /** Bytes of output the run may store now (after making what room can be made for it). */
  async outputRoom(sessionId: string, studentId: string, runId: string, wanted: number): Promise<number> {
    if (await this.makeRoom("run_output", sessionId, studentId, wanted, runId)) return wanted;
    return Math.max(0, await this.free(sessionId, studentId));
  }

  /** The routine compaction of a document (ROUTINE_TIERS). */
  compactRoutinely(documentName: string): Promise<unknown> {
    return this.compact(documentName, ROUTINE_TIERS, "routine");
  }

  /** Forgets a user's last forced compaction and known headroom in a session (a document of theirs was unloaded). */
  forget(sessionId: string, userId: string): void {
    this.lastPressure.delete(ownerKey(sessionId, userId));
    this.headroom.delete(ownerKey(sessionId, userId));
  }

  private compact(documentName: string, tiers: readonly CompactionTier[], reason: "routine" | "quota") {
    const run = this.lane.then(async () => {
      const result = await compactHistory(this.db, documentName, tiers);
      if (result.rowsAfter < result.rowsBefore)
        for (const o of this.observers) o.compacted(reason, result.bytesBefore, result.bytesAfter);
      return result;
    });
    this.lane = run.catch(() => undefined);
    return run;
  }

  /** Cuts the output of the student's finished runs but one to its tail; returns how many were cut. */
  private async trimOlderOutput(sessionId: string, studentId: string, keepRunId?: string): Promise<number> {
    const keep =
      keepRunId ??
      (
        await this.db
          .selectFrom("runs")
          .select("id")
          .where("session_id", "=", sessionId)
          .where("user_id", "=", studentId)
          .orderBy("queued_at", "desc")
          .limit(1)
          .executeTakeFirst()
      )?.id;
    const result = await this.db
      .updateTable("runs")
      .set({
        output: sql`right(output, ${sql.lit(TRIMMED_OUTPUT_CHARS)})`,
        output_truncated: true,
      })
      .where("session_id", "=", sessionId)
      .where("user_id", "=", studentId)
      .where("status", "in", ["finished", "failed"])
      .where(sql<boolean>`char_length(output) > ${sql.lit(TRIMMED_OUTPUT_CHARS)}`)
      .$if(keep !== undefined, (q) => q.where("id", "<>", keep as string))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
