import { Counter, Gauge, type Registry } from "prom-client";
import type { Db } from "./database.ts";
import type { StudentQuota } from "./student-quota.ts";

/**
 * Storage at GET /metrics: bytes of history and stored run output (whole install, read from the
 * database at each scrape: the sums read only the values' lengths), the per-student quota, how
 * often students reached it, and what compaction and trimming did.
 */
export function registerStorageMetrics(registry: Registry, db: Db, quota: StudentQuota): void {
  new Gauge({
    name: "observer_storage_bytes",
    help: "Bytes stored, by kind: history (document_updates) and run_output (runs.output)",
    labelNames: ["kind"] as const,
    registers: [registry],
    async collect() {
      const [history, output] = await Promise.all([
        db
          .selectFrom("document_updates")
          .select((eb) =>
            eb.fn.coalesce(eb.fn.sum<string>(eb.fn("octet_length", ["update"])), eb.lit(0)).as("bytes"),
          )
          .executeTakeFirstOrThrow(),
        db
          .selectFrom("runs")
          .select((eb) =>
            eb.fn.coalesce(eb.fn.sum<string>(eb.fn("octet_length", ["output"])), eb.lit(0)).as("bytes"),
          )
          .executeTakeFirstOrThrow(),
      ]);
      this.set({ kind: "history" }, Number(history.bytes));
      this.set({ kind: "run_output" }, Number(output.bytes));
    },
  });
  new Gauge({
    name: "observer_student_storage_quota_bytes",
    help: "Storage quota of each student per session (history and run output), OBSERVER_STUDENT_QUOTA_MB",
    registers: [registry],
    collect() {
      this.set(quota.quotaBytes);
    },
  });
  const reached = new Counter({
    name: "observer_storage_quota_reached_total",
    help: "Times a student's storage quota was reached, by what was being stored (history, run_output)",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const compactions = new Counter({
    name: "observer_history_compactions_total",
    help: "History compactions that merged rows, by reason (routine, quota)",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const compactedBytes = new Counter({
    name: "observer_history_compacted_bytes_total",
    help: "Bytes of history removed by compaction",
    registers: [registry],
  });
  const trimmed = new Counter({
    name: "observer_run_output_trimmed_bytes_total",
    help: "Bytes of stored run output removed by cutting older runs' output to its tail",
    registers: [registry],
  });
  quota.observe({
    quotaReached: (kind) => reached.inc({ kind }),
    compacted: (reason, before, after) => {
      compactions.inc({ reason });
      compactedBytes.inc(Math.max(0, before - after));
    },
    outputTrimmed: (bytes) => trimmed.inc(Math.max(0, bytes)),
  });
}
