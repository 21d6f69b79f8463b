import { z } from "zod";
import { answersWith } from "./errors.ts";
import { idSchema, timestampSchema } from "./ids.ts";
import { languageSchema } from "./languages.ts";
import { LIMITS } from "./limits.ts";
import { channelAuthSchema } from "./socket-auth.ts";
import { hasNoNul, utf8Bytes } from "./text.ts";

/** WebSocket path of a run's live terminal. */
export const runTerminalPath = (runId: string) => `/api/runs/${runId}/terminal`;

/** Sizes a run's terminal and input accept. */
export const RUN_LIMITS = {
  /** Most stdin given with `POST .../runs`, in bytes of UTF-8 (the same cap holds for all stdin of a run). */
  stdinBytes: 64 * 1024,
  /** Longest single `stdin` message on the terminal socket, in characters. */
  stdinMessageChars: 16 * 1024,
  minCols: 2,
  maxCols: 1000,
  minRows: 1,
  maxRows: 500,
} as const;

/**
 * Where a run is: waiting for a slot, compiling, running, or done. `finished` covers every
 * ending (exit, signal, limit, kill); `failed` means the server could not run it at all.
 */
export const RUN_STATUSES = ["queued", "compiling", "running", "finished", "failed"] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;

/** The live states a terminal reports with a `status` message. */
export const liveRunStatusSchema = z.enum(["queued", "compiling", "running"]);
export type LiveRunStatus = z.infer<typeof liveRunStatusSchema>;

/**
 * Why the server stopped a run: a limit (memory, output, `time`: the wall time — then
 * `timedOut` is true —, `cpu`: the CPU time, see `cpuTimeLimitMs`) or a person (Stop, a new Run).
 */
export const killedForSchema = z.enum(["memory", "output", "time", "user", "cpu"]).nullable();
export type KilledFor = z.infer<typeof killedForSchema>;

/** The phase a run ended in: a compile error ends it in `compile`. */
export const runPhaseSchema = z.enum(["compile", "run"]);
export type RunPhase = z.infer<typeof runPhaseSchema>;

/**
 * How a run ended: the one model of a run's outcome, which the API's run, the terminal's
 * `exit` message and the dashboard's summary are made of. `durationMs` is the time of the phase
 * it ended in (the program, or the compiler).
 */
export const runOutcomeSchema = z.object({
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  outputTruncated: z.boolean(),
  durationMs: z.number().int().nonnegative(),
  killedFor: killedForSchema,
  phase: runPhaseSchema,
  /** Extension: the CPU time limit (whole seconds, in ms) of the phase it ended in (shown with killedFor "cpu"); null when no process ran. */
  cpuTimeLimitMs: z.number().int().positive().nullable(),
});
export type RunOutcome = z.infer<typeof runOutcomeSchema>;

/**
 * How a run ended, as a runner reports it (a runner may leave out the CPU time limit).
 * `failure` is set when the run could not be carried to its end (the runner executing it was
 * lost): the run is then stored as `failed` with that reason.
 */
export const runResultSchema = runOutcomeSchema.partial({ cpuTimeLimitMs: true }).extend({
  failure: z.string().max(200).optional(),
});
export type RunResult = z.infer<typeof runResultSchema>;

/**
 * A run's outcome while it may still be under way: the flags are false and the other fields
 * null until it has finished.
 */
export const pendingRunOutcomeSchema = runOutcomeSchema.extend({
  durationMs: runOutcomeSchema.shape.durationMs.nullable(),
  phase: runPhaseSchema.nullable(),
});
export type PendingRunOutcome = z.infer<typeof pendingRunOutcomeSchema>;

/** A run as the API returns it. The outcome fields are null until the run has finished. */
export const runSchema = pendingRunOutcomeSchema.extend({
  id: idSchema,
  sessionId: idSchema,
  userId: idSchema,
  language: languageSchema,
  status: runStatusSchema,
  /** The combined terminal output from the start, capped (see outputTruncated). */
  output: z.string(),
  queuedAt: timestampSchema,
  startedAt: timestampSchema.nullable(),
  finishedAt: timestampSchema.nullable(),
  /**
   * Extension: why a `failed` run could not be carried to its end ("runner lost": the machine
   * running it went away; "server restarted"); null otherwise.
   */
  failureReason: z.string().nullable(),
});
export type Run = z.infer<typeof runSchema>;

/** `POST /api/sessions/:id/runs`. */
export const createRunBodySchema = z.strictObject({
  language: languageSchema,
  code: z
    .string()
    .refine((s) => utf8Bytes(s) <= LIMITS.codeBytes, {
      message: `The code is too large: at most ${LIMITS.codeBytes / 1024} KB can run.`,
      ...answersWith("code_too_large"),
    })
    .refine(hasNoNul, "Code cannot contain NUL characters."),
  stdin: z
    .string()
    .refine(
      (s) => utf8Bytes(s) <= RUN_LIMITS.stdinBytes,
      `Input must be at most ${RUN_LIMITS.stdinBytes / 1024} KB.`,
    )
    .optional(),
  /**
   * Extension: the student whose code this is. The session's teacher sets it to run a
   * student's code (the run then shows in that student's terminal); a student may only name
   * themselves. Unset: the caller's own run.
   */
  userId: idSchema.optional(),
  /** Extension: the terminal's size at the start, so the first lines wrap right. */
  cols: z.number().int().min(RUN_LIMITS.minCols).max(RUN_LIMITS.maxCols).optional(),
  rows: z.number().int().min(RUN_LIMITS.minRows).max(RUN_LIMITS.maxRows).optional(),
});
export type CreateRunBody = z.infer<typeof createRunBodySchema>;

/** Server -> client messages of the run terminal. `exit` is last; the server then closes the socket. */
export const runTerminalServerMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("output"), data: z.string() }),
  z.object({
    type: z.literal("status"),
    status: liveRunStatusSchema,
    /** 1-based place in the queue while `queued`. */
    position: z.number().int().positive().optional(),
  }),
  /**
   * The contract's exit message; killedFor, phase and cpuTimeLimitMs are extensions for the
   * status line, and so is failureReason: set when the run could not be carried to its end (as
   * the run's `failureReason`, e.g. "runner lost").
   */
  runOutcomeSchema
    .partial({ killedFor: true, phase: true, cpuTimeLimitMs: true })
    .extend({ type: z.literal("exit"), failureReason: z.string().max(200).optional() }),
]);
export type RunTerminalServerMessage = z.infer<typeof runTerminalServerMessageSchema>;
/** The terminal's last message. */
export type RunExitMessage = Extract<RunTerminalServerMessage, { type: "exit" }>;

/** Client -> server messages of the run terminal, after the `auth` message. */
export const runTerminalClientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("stdin"), data: z.string().max(RUN_LIMITS.stdinMessageChars) }),
  z.object({
    type: z.literal("resize"),
    cols: z.number().int().min(RUN_LIMITS.minCols).max(RUN_LIMITS.maxCols),
    rows: z.number().int().min(RUN_LIMITS.minRows).max(RUN_LIMITS.maxRows),
  }),
  z.object({ type: z.literal("kill") }),
]);
export type RunTerminalClientMessage = z.infer<typeof runTerminalClientMessageSchema>;

/** The first message on the terminal socket (the same shape as every Observer WebSocket). */
export const runTerminalAuthSchema = channelAuthSchema;

/** One language as `GET /api/languages` lists it. */
export const languageAvailabilitySchema = z.object({
  id: languageSchema,
  label: z.string(),
  /** The toolchain's version, e.g. "3.11.2", or null when it is missing. */
  version: z.string().nullable(),
  available: z.boolean(),
});
export type LanguageAvailability = z.infer<typeof languageAvailabilitySchema>;

/** `POST /api/sessions/:id/runs` and `GET /api/runs/:runId`. */
export const runReplySchema = z.object({ run: runSchema });
export type RunReply = z.infer<typeof runReplySchema>;

/** `GET /api/languages`. */
export const languagesReplySchema = z.object({
  languages: z.array(languageAvailabilitySchema),
  /** Whether programs can run on this server at all, and why not. */
  sandbox: z.object({ available: z.boolean(), reason: z.string().nullable() }),
});
export type LanguagesReply = z.infer<typeof languagesReplySchema>;

/** Runs `GET /api/sessions/:id/runs` answers at most (its `limit`, default RUN_HISTORY_DEFAULT). */
export const RUN_HISTORY_MAX = 500;
export const RUN_HISTORY_DEFAULT = 100;

/** `GET /api/sessions/:id/runs?userId=&limit=`: one student's runs, or (the teacher) everyone's. */
export const runHistoryQuerySchema = z.object({
  userId: idSchema.optional(),
  /** Extension: how many of the newest runs (1 to RUN_HISTORY_MAX). */
  limit: z.coerce
    .number()
    .int("limit is a whole number.")
    .min(1, "limit is at least 1.")
    .max(RUN_HISTORY_MAX, `limit is at most ${RUN_HISTORY_MAX}.`)
    .optional(),
});
export type RunHistoryQuery = z.infer<typeof runHistoryQuerySchema>;

/** Characters of output a dashboard tile gets with each run update (the run's last lines). */
export const RUN_TAIL_CHARS = 600;

/**
 * A run as a dashboard tile and the student's workspace follow it on the session channel:
 * its state, and while live or when done, the last lines of its output.
 */
export const runSummarySchema = pendingRunOutcomeSchema.extend({
  id: idSchema,
  userId: idSchema,
  /** Who pressed Run: the student, or the teacher running the student's code. */
  startedBy: idSchema,
  language: languageSchema,
  status: runStatusSchema,
  position: z.number().int().positive().nullable(),
  /** The end of the output (at most RUN_TAIL_CHARS characters, whole lines where possible). */
  tail: z.string(),
  queuedAt: timestampSchema,
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/**
 * A run in a session's history: a summary without its live parts (place in the queue, output
 * tail), with when it was asked for and when it finished (null while under way). Its output is
 * `GET /api/runs/:runId`.
 */
export const runHistoryEntrySchema = runSummarySchema
  .omit({ position: true, tail: true, queuedAt: true })
  .extend({ createdAt: timestampSchema, finishedAt: timestampSchema.nullable() });
export type RunHistoryEntry = z.infer<typeof runHistoryEntrySchema>;

export const runHistoryReplySchema = z.object({ runs: z.array(runHistoryEntrySchema) });
export type RunHistoryReply = z.infer<typeof runHistoryReplySchema>;
