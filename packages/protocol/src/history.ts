import { z } from "zod";
import { idSchema, timestampSchema } from "./ids.ts";
import { languageSchema } from "./languages.ts";
import { RUN_FAILURE_KINDS } from "./run-failure.ts";
import { runStatusSchema } from "./runs.ts";

/**
 * An insertion of at least this many characters in one change (one keystroke's worth of
 * editing: a paste, a drop) counts as a paste. Typing, however fast, arrives a few characters
 * at a time.
 */
export const PASTE_MIN_CHARS = 80;

/**
 * The dashboard's "pasted a lot": at least this share of the characters a student added came
 * by paste, and at least PASTED_A_LOT_MIN_CHARS of them (one short paste in an empty file is
 * not "a lot").
 */
export const PASTED_A_LOT_SHARE = 0.5;
export const PASTED_A_LOT_MIN_CHARS = 200;

/** How many characters a student typed and pasted into their code (the provenance signal). */
export const provenanceSchema = z.object({
  typedChars: z.number().int().nonnegative(),
  pastedChars: z.number().int().nonnegative(),
});
export type Provenance = z.infer<typeof provenanceSchema>;

/** The share of added characters that came by paste (0 when nothing was added). */
export function pastedShare({ typedChars, pastedChars }: Provenance): number {
  const added = typedChars + pastedChars;
  return added === 0 ? 0 : pastedChars / added;
}

/** Whether the dashboard's "pasted a lot" holds for a student. */
export function pastedALot(provenance: Provenance): boolean {
  return provenance.pastedChars >= PASTED_A_LOT_MIN_CHARS && pastedShare(provenance) >= PASTED_A_LOT_SHARE;
}

/**
 * How a run ended, for a timeline marker: it succeeded (exit 0), failed (see `runFailure`),
 * ended without a verdict (stopped by a person, or not run at all), or is still under way.
 */
export const RUN_MARKER_OUTCOMES = ["succeeded", "failed", "no_verdict", "running"] as const;
export const runMarkerOutcomeSchema = z.enum(RUN_MARKER_OUTCOMES);
export type RunMarkerOutcome = z.infer<typeof runMarkerOutcomeSchema>;

const at = timestampSchema;

/** One event of a student's timeline (`GET .../timeline`), oldest first. */
export const timelineEventSchema = z.discriminatedUnion("kind", [
  /**
   * The student typed: their changes within one minute (at the last of them), with the
   * characters typed (pastes not included) and deleted, and how many changes they were.
   */
  z.object({
    at,
    kind: z.literal("edit"),
    inserted: z.number().int().nonnegative(),
    deleted: z.number().int().nonnegative(),
    changes: z.number().int().positive(),
  }),
  /** An insertion of PASTE_MIN_CHARS or more characters at once. */
  z.object({ at, kind: z.literal("paste"), length: z.number().int().positive() }),
  /** A run (at the moment it was asked for), with its outcome. */
  z.object({
    at,
    kind: z.literal("run"),
    runId: idSchema,
    status: runStatusSchema,
    outcome: runMarkerOutcomeSchema,
    failure: z.enum(RUN_FAILURE_KINDS).nullable(),
    exitCode: z.number().int().nullable(),
    durationMs: z.number().int().nonnegative().nullable(),
    /** Whether the teacher pressed Run for the student. */
    byTeacher: z.boolean(),
  }),
  /** The student raised a hand (at the moment they raised it). */
  z.object({
    at,
    kind: z.literal("hand"),
    handId: idSchema,
    message: z.string(),
    line: z.number().int().positive().nullable(),
  }),
  /** The teacher (or an admin) edited the student's code: the changes of about one save. */
  z.object({
    at,
    kind: z.literal("teacher_edit"),
    userId: idSchema,
    name: z.string(),
    inserted: z.number().int().nonnegative(),
    deleted: z.number().int().nonnegative(),
  }),
]);
export type TimelineEvent = z.infer<typeof timelineEventSchema>;
export type TimelineEventKind = TimelineEvent["kind"];

export const timelineReplySchema = z.object({ events: z.array(timelineEventSchema) });
export type TimelineReply = z.infer<typeof timelineReplySchema>;

/** `GET .../code?at=`: an ISO time. */
export const codeAtQuerySchema = z.object({
  at: z
    .string()
    .max(40, "at is an ISO time.")
    .refine((s) => !Number.isNaN(Date.parse(s)), "at is an ISO time, such as 2026-01-31T09:30:00Z."),
});
export type CodeAtQuery = z.infer<typeof codeAtQuerySchema>;

/** The code exactly as it was at `at` (the last saved state at or before it). */
export const codeAtReplySchema = z.object({
  code: z.string(),
  language: languageSchema,
  at: timestampSchema,
});
export type CodeAtReply = z.infer<typeof codeAtReplySchema>;

/**
 * One step of a text delta: a number > 0 keeps that many characters (UTF-16 code units), a
 * number < 0 deletes that many, a string is inserted. Characters after the last step are kept.
 */
export const textOpSchema = z.union([z.number().int(), z.string()]);
export type TextOp = z.infer<typeof textOpSchema>;

/**
 * One saved moment of a document's history: when, the change to the code from the frame before
 * (the first frame's is from the empty document), and the language when it changed.
 */
export const playbackFrameSchema = z.object({
  at: timestampSchema,
  ops: z.array(textOpSchema),
  language: languageSchema.optional(),
});
export type PlaybackFrame = z.infer<typeof playbackFrameSchema>;

/**
 * `GET .../playback`: everything the playback view needs at once — the saved moments of the
 * code as deltas, the timeline's events, and the span of time the slider covers (from the
 * session's start to its end, or to now while it goes on).
 */
export const playbackReplySchema = z.object({
  from: timestampSchema,
  to: timestampSchema,
  frames: z.array(playbackFrameSchema),
  events: z.array(timelineEventSchema),
  provenance: provenanceSchema,
});
export type PlaybackReply = z.infer<typeof playbackReplySchema>;

/** One student's figures over a session (`GET .../analytics`). */
export const studentAnalyticsSchema = z.object({
  userId: idSchema,
  name: z.string(),
  /** Changes to the code (about one per keystroke). */
  edits: z.number().int().nonnegative(),
  /** Characters typed (pastes not included). */
  charactersTyped: z.number().int().nonnegative(),
  pastes: z.number().int().nonnegative(),
  /** Extension: characters that arrived by paste. */
  charactersPasted: z.number().int().nonnegative(),
  runs: z.number().int().nonnegative(),
  failedRuns: z.number().int().nonnegative(),
  hands: z.number().int().nonnegative(),
  /** Minutes in which the student edited or ran something. */
  activeMinutes: z.number().int().nonnegative(),
  /** When their first run that succeeded was asked for, or null. */
  firstSuccessAt: timestampSchema.nullable(),
  /** Extension: minutes from joining to firstSuccessAt, or null. */
  minutesToFirstSuccess: z.number().nonnegative().nullable(),
});
export type StudentAnalytics = z.infer<typeof studentAnalyticsSchema>;

/** The class's activity in one minute of the session (minutes with nothing are left out). */
export const minuteAnalyticsSchema = z.object({
  /** The minute's start (ISO). */
  minute: timestampSchema,
  edits: z.number().int().nonnegative(),
  runs: z.number().int().nonnegative(),
  failedRuns: z.number().int().nonnegative(),
  /** Extension: hands raised in that minute. */
  hands: z.number().int().nonnegative(),
  /** Extension: pastes in that minute. */
  pastes: z.number().int().nonnegative(),
});
export type MinuteAnalytics = z.infer<typeof minuteAnalyticsSchema>;

export const analyticsReplySchema = z.object({
  students: z.array(studentAnalyticsSchema),
  minutes: z.array(minuteAnalyticsSchema),
});
export type AnalyticsReply = z.infer<typeof analyticsReplySchema>;

/** One session of a student's, as their teacher sees it across sessions. */
export const studentSessionSchema = z.object({
  sessionId: idSchema,
  name: z.string(),
  language: languageSchema,
  status: z.enum(["active", "ended"]),
  createdAt: timestampSchema,
  joinedAt: timestampSchema,
  edits: z.number().int().nonnegative(),
  runs: z.number().int().nonnegative(),
  failedRuns: z.number().int().nonnegative(),
  hands: z.number().int().nonnegative(),
  pastes: z.number().int().nonnegative(),
});
export type StudentSession = z.infer<typeof studentSessionSchema>;

/** `GET /api/students/:userId/sessions` (a teacher: the student's sessions among their own). */
export const studentSessionsReplySchema = z.object({
  student: z.object({ id: idSchema, name: z.string() }),
  sessions: z.array(studentSessionSchema),
});
export type StudentSessionsReply = z.infer<typeof studentSessionsReplySchema>;
