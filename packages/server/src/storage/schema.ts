import type {
  AiAskKind,
  AiExchangeStatus,
  AiMode,
  AiProvider,
  BroadcastMode,
  EditingMode,
  HandStatus,
  KilledFor,
  Language,
  RunningMode,
  RunPhase,
  RunStatus,
} from "@observer/protocol";
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

/** Table types for Kysely; they mirror migrations/*.sql. */
export interface Database {
  users: UsersTable;
  refresh_families: RefreshFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  revoked_access_tokens: RevokedAccessTokensTable;
  sessions: SessionsTable;
  participants: ParticipantsTable;
  schema_migrations: SchemaMigrationsTable;
  documents: DocumentsTable;
  document_updates: DocumentUpdatesTable;
  runs: RunsTable;
  hands: HandsTable;
  edit_events: EditEventsTable;
  ai_settings: AiSettingsTable;
  ai_exchanges: AiExchangesTable;
  github_accounts: GithubAccountsTable;
  oauth_states: OauthStatesTable;
  github_repos: GithubReposTable;
}

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: "teacher" | "student" | "admin";
  password_hash: string;
  active: Generated<boolean>;
  created_at: CreatedAt;
}
export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;

export interface RefreshFamiliesTable {
  id: string;
  user_id: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  family_id: string;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
}

export interface RevokedAccessTokensTable {
  jti: string;
  expires_at: Date;
}

export interface SessionsTable {
  id: string;
  teacher_id: string;
  name: string;
  join_code: string;
  language: "python" | "javascript" | "c" | "cpp" | "java";
  starter_code: string;
  run_time_limit_seconds: Generated<number>;
  status: Generated<"active" | "ended">;
  /** migrations/007_session_controls.sql: the class controls. */
  editing: Generated<EditingMode>;
  running: Generated<RunningMode>;
  language_locked: Generated<boolean>;
  broadcast: Generated<BroadcastMode>;
  ai: Generated<AiMode>;
  created_at: CreatedAt;
  ended_at: Date | null;
  history_pruned_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** migrations/010_ai_and_github.sql. */
  ai_questions_per_hour: ColumnType<number | null, number | null | undefined, number | null>;
  archive_on_end: Generated<boolean>;
  archive_repo: ColumnType<string | null, string | null | undefined, string | null>;
}
export type SessionRow = Selectable<SessionsTable>;

export interface ParticipantsTable {
  session_id: string;
  user_id: string;
  joined_at: CreatedAt;
}

export interface SchemaMigrationsTable {
  name: string;
  applied_at: CreatedAt;
}

export interface DocumentsTable {
  name: string;
  session_id: string;
  student_id: string;
  /** Yjs state as an update (Y.encodeStateAsUpdate). */
  state: Uint8Array;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  last_edit_at: Date | null;
}

export interface DocumentUpdatesTable {
  id: Generated<string>;
  document_name: string;
  /** When the (last) save of this row was made: the document as it was then. */
  created_at: ColumnType<Date, Date | undefined, Date>;
  update: Uint8Array;
  /** How many saves this row stands for (more than 1 once compacted). */
  merged_saves: Generated<number>;
  /** When the earliest of those saves was made. */
  first_at: ColumnType<Date, Date | undefined, Date>;
}

/** migrations/003_runs.sql. */
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
  /** migrations/011: the instance recording the run (null: written before 011, or alone). */
  instance_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** migrations/011: why a `failed` run could not be carried to its end. */
  failure_reason: ColumnType<string | null, string | null | undefined, string | null>;
}
export type RunRow = Selectable<RunsTable>;

/** migrations/008_hands.sql: the help queue. */
export interface HandsTable {
  id: string;
  session_id: string;
  user_id: string;
  message: ColumnType<string, string | undefined, string>;
  line: ColumnType<number | null, number | null | undefined, number | null>;
  status: ColumnType<HandStatus, HandStatus | undefined, HandStatus>;
  helper_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  claimed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  resolved_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type HandRow = Selectable<HandsTable>;

/** migrations/009_edit_events.sql: what each saved change to a student's code was. */
export interface EditEventsTable {
  id: Generated<string>;
  session_id: string;
  student_id: string;
  author_id: string | null;
  kind: "edit" | "paste" | "teacher_edit";
  at: Date;
  changes: ColumnType<number, number | undefined, number>;
  inserted: ColumnType<number, number | undefined, number>;
  deleted: ColumnType<number, number | undefined, number>;
}
export type EditEventRow = Selectable<EditEventsTable>;

/** migrations/010_ai_and_github.sql: a teacher's AI provider (the key only encrypted). */
export interface AiSettingsTable {
  user_id: string;
  provider: AiProvider;
  model: string;
  base_url: string | null;
  api_key_encrypted: string | null;
  api_key_last4: string | null;
  updated_at: Generated<Date>;
}
export type AiSettingsRow = Selectable<AiSettingsTable>;

/** One question to the AI and its answer. */
export interface AiExchangesTable {
  id: string;
  session_id: string;
  user_id: string;
  kind: AiAskKind;
  mode: "hints" | "full";
  message: Generated<string>;
  answer: Generated<string>;
  status: Generated<AiExchangeStatus>;
  error: string | null;
  cut: Generated<boolean>;
  asked_at: CreatedAt;
  finished_at: Date | null;
}
export type AiExchangeRow = Selectable<AiExchangesTable>;

/** A user's linked GitHub account (the token only encrypted). */
export interface GithubAccountsTable {
  user_id: string;
  github_id: ColumnType<string, string | number, string | number>;
  login: string;
  token_encrypted: string;
  scopes: Generated<string>;
  linked_at: CreatedAt;
}
export type GithubAccountRow = Selectable<GithubAccountsTable>;

/** The OAuth state of a sign-in or link under way. */
export interface OauthStatesTable {
  state: string;
  intent: "login" | "link";
  user_id: string | null;
  created_at: CreatedAt;
  used_at: Date | null;
}

/** A student's repository for a session's saves to GitHub. */
export interface GithubReposTable {
  session_id: string;
  user_id: string;
  repo: string;
  last_commit_url: string | null;
  saved_at: Generated<Date>;
}
