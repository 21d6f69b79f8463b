import type { KilledFor, Language, RunPhase, RunStatus } from "@observer/protocol";
import type { ColumnType, Generated, Selectable } from "kysely";

/** The `runs` table (migrations/003_runs.sql), for Kysely; part of storage/schema.ts's Database. */
export interface RunsTable {
  id: string;
  session_id: string;
  user_id: string;
  started_by: string;
  language: Language;
  code_hash: string;
  status: ColumnType<RunStatus, RunStatus | undefined, RunStatus>;
  queued_at: ColumnType<Date, Date | undefined, never>;
  started_at: Date | null;
  finished_at: Date | null;
  duration_ms: number | null;
  exit_code: number | null;
  signal: string | null;
  timed_out: Generated<boolean>;
  output_truncated: Generated<boolean>;
  killed_for: KilledFor;
  phase: RunPhase | null;
  /** migrations/006: the CPU time limit of the phase the run ended in. */
  cpu_time_limit_ms: ColumnType<number | null, number | null | undefined, number | null>;
  output: Generated<string>;
}
export type RunRow = Selectable<RunsTable>;
