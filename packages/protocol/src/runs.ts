import { z } from "zod";
import { channelAuthSchema } from "./channel.ts";
import { languageSchema } from "./languages.ts";
import { LIMITS } from "./limits.ts";
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

/** Why the server stopped a run: a limit (memory, output, time) or a person (Stop, a new Run). */
export const killedForSchema = z.enum(["memory", "output", "time", "user"]).nullable();
export type KilledFor = z.infer<typeof killedForSchema>;

/** The phase a run ended in: a compile error ends it in `compile`. */
export const runPhaseSchema = z.enum(["compile", "run"]);
export type RunPhase = z.infer<typeof runPhaseSchema>;

/** How a run ended. `durationMs` is the time of the phase it ended in (the program, or the compiler). */
export const runResultSchema = z.object({
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  outputTruncated: z.boolean(),
  durationMs: z.number().int().nonnegative(),
  killedFor: killedForSchema,
  phase: runPhaseSchema,
});
export type RunResult = z.infer<typeof runResultSchema>;

/** A run as the API returns it. The result fields are null until the run has finished. */
export const runSchema = z.object({
  id: z.uuid(),
  sessionId: z.uuid(),
  userId: z.uuid(),
  language: languageSchema,
  status: runStatusSchema,
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  /** The combined terminal output from the start, capped (see outputTruncated). */
  output: z.string(),
  outputTruncated: z.boolean(),
  durationMs: z.number().int().nullable(),
  killedFor: killedForSchema,
  phase: runPhaseSchema.nullable(),
  queuedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Run = z.infer<typeof runSchema>;

/** `POST /api/sessions/:id/runs`. */
export const createRunBodySchema = z.strictObject({
  language: languageSchema,
  code: z
    .string()
    .refine((s) => utf8Bytes(s) <= LIMITS.codeBytes, `Code must be at most ${LIMITS.codeBytes / 1024} KB.`)
    .refine(hasNoNul, "Code cannot contain NUL characters."),
  stdin: z
    .string()
    .refine(
      (s) => utf8Bytes(s) <= RUN_LIMITS.stdinBytes,
      `Input must be at most ${RUN_LIMITS.stdinBytes / 1024} KB.`,
    )
    .optional(),
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
  z.object({
    type: z.literal("exit"),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    timedOut: z.boolean(),
    outputTruncated: z.boolean(),
    durationMs: z.number().int().nonnegative(),
    /** Extensions of the contract's exit message, for the status line. */
    killedFor: killedForSchema.optional(),
    phase: runPhaseSchema.optional(),
  }),
]);
export type RunTerminalServerMessage = z.infer<typeof runTerminalServerMessageSchema>;

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
