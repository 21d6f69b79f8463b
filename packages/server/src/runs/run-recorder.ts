import { createHash } from "node:crypto";
import type { Language, RunStatus } from "@observer/protocol";
import type { RunHandle } from "../exec/index.ts";
import type { Db } from "../storage/database.ts";
import { isUnreachable, retryWrite } from "../storage/retry-write.ts";
import { finishRun, insertRun, updateRunStatus } from "../storage/runs.ts";
import { outcomeColumns } from "./run-outcome.ts";
import { STORED_OUTPUT_BYTES, storableOutput } from "./run-output.ts";

/** SHA-256 of the code, hex. */
export function codeHash(code: string): string {
  return createHash("sha256").update(code, "utf8").digest("hex");
}

/** What a run is for, as recorded with it. */
export interface RunMeta {
  sessionId: string;
  /** The student the run is for. */
  userId: string;
  /** Who pressed Run (the student, or the teacher). */
  startedBy: string;
  language: Language;
  code: string;
  /** The instance recording it (several instances: another adopts its runs when it dies). */
  instanceId?: string | null;
  /** Taken over from an instance that died: the row exists (it is not inserted again). */
  adopted?: boolean;
}

export interface RecordRunLog {
  error(message: string): void;
}

/** How many bytes of its output a finished run may store (the student's storage quota), given what it wants. */
export type OutputRoom = (wantedBytes: number) => Promise<number>;

/** PostgreSQL's unique_violation: the row is there already. */
const UNIQUE_VIOLATION = "23505";

/**
 * Records a run from submission to its end: inserts it (queued), follows its states, and
 * stores its result and output. Database writes are applied in order, each retried with
 * backoff while the database is unreachable (storage/retry-write.ts: a PostgreSQL restart loses
 * no run); a write the database refuses is logged and never disturbs the run. `inserted`
 * settles once the row can be read, `finished` once the final row is written.
 */
export function trackRun(
  db: Db,
  handle: RunHandle,
  meta: RunMeta,
  log?: RecordRunLog,
  outputRoom?: OutputRoom,
): { inserted: Promise<void>; finished: Promise<void> } {
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (write: (attempt: number) => Promise<void>) => {
    chain = chain
      .then(() => retryWrite(db, `recording run ${handle.id}`, write, log))
      .catch((err: unknown) => log?.error(`runs: cannot record run ${handle.id}: ${String(err)}`));
    return chain;
  };
  const { code, adopted, ...row } = meta;
  const inserted = adopted
    ? Promise.resolve()
    : enqueue((attempt) =>
        insertRun(db, { ...row, id: handle.id, codeHash: codeHash(code) }).catch((err: unknown) => {
          // An earlier attempt whose answer was lost with the connection did insert the row.
          if (attempt > 1 && (err as { code?: unknown }).code === UNIQUE_VIOLATION) return;
          throw err;
        }),
      );
  // Only changes of state are written: a new place in the queue (each run ahead of it that
  // starts, so O(n²) events in a burst of n) changes nothing that is stored.
  let stored: RunStatus = "queued";
  const onStatus = (event: { status: RunStatus }) => {
    if (event.status === stored) return;
    stored = event.status;
    // When it happened, not when a write retried through an outage got through.
    const at = new Date();
    void enqueue(() => updateRunStatus(db, handle.id, event.status, at));
  };
  handle.on("status", onStatus);
  // When the run ended, however long the writes before its last one waited for the database.
  const ended = handle.result.then(
    () => new Date(),
    () => new Date(),
  );
  const finished = (async () => {
    await inserted;
    if (handle.status !== "queued" && handle.status !== "finished") onStatus({ status: handle.status });
    const result = await handle.result;
    handle.off("status", onStatus);
    const endedAt = await ended;
    await enqueue(async () => {
      const wanted = Buffer.byteLength(storableOutput(handle.transcript).text);
      let room = STORED_OUTPUT_BYTES;
      if (outputRoom && wanted > 0) {
        // A failing quota check never loses the run's record: it is stored as it would be without.
        room = await outputRoom(wanted).catch((err: unknown) => {
          // The database is out: the final write would fail too, and is retried whole.
          if (isUnreachable(err)) throw err;
          log?.error(`runs: cannot check the storage quota of run ${handle.id}: ${String(err)}`);
          return STORED_OUTPUT_BYTES;
        });
      }
      const output = storableOutput(handle.transcript, room);
      const outcome = outcomeColumns(result);
      outcome.output_truncated ||= output.cut;
      await finishRun(db, handle.id, outcome, output.text, result.failure ?? null, endedAt);
    });
  })();
  return { inserted, finished };
}
