import { z } from "zod";
import { AI_LIMITS } from "./ai.ts";
import { repoFullNameSchema } from "./github.ts";
import { idSchema, timestampSchema } from "./ids.ts";
import { languageSchema } from "./languages.ts";
import { LIMITS } from "./limits.ts";
import {
  aiModeSchema,
  broadcastModeSchema,
  editingModeSchema,
  runningModeSchema,
} from "./session-controls.ts";
import { hasNoNul, oneLineTextSchema, utf8Bytes } from "./text.ts";

/** Join-code alphabet: no 0/O, 1/I/L, so a code read aloud or off a projector is unambiguous. */
export const JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

export const SESSION_STATUSES = ["active", "ended"] as const;
export const sessionStatusSchema = z.enum(SESSION_STATUSES);

export const sessionSchema = z.object({
  id: idSchema,
  name: z.string(),
  joinCode: z.string(),
  language: languageSchema,
  starterCode: z.string(),
  /** Wall-time limit of each program run, in seconds. */
  runTimeLimitSeconds: z.number().int(),
  status: sessionStatusSchema,
  /** Class controls (defaults open, allowed, false, off, off). */
  editing: editingModeSchema,
  running: runningModeSchema,
  /** Students run only in the session's language, and their editor offers no other. */
  languageLocked: z.boolean(),
  broadcast: broadcastModeSchema,
  ai: aiModeSchema,
  /** Extension: questions to the AI a student may ask per hour (null: no limit). */
  aiQuestionsPerHour: z.number().int().nullable(),
  /** Extension: archive every student's code to `archiveRepo` on GitHub when the session ends. */
  archiveOnEnd: z.boolean(),
  archiveRepo: z.string().nullable(),
  teacherId: idSchema,
  teacherName: z.string(),
  createdAt: timestampSchema,
  endedAt: timestampSchema.nullable(),
  participantCount: z.number().int(),
});
export type Session = z.infer<typeof sessionSchema>;

export const participantSchema = z.object({
  userId: idSchema,
  name: z.string(),
  email: z.string(),
  online: z.boolean(),
  joinedAt: timestampSchema,
});
export type Participant = z.infer<typeof participantSchema>;

export const createSessionBodySchema = z.strictObject({
  name: oneLineTextSchema("Session name", LIMITS.sessionNameChars, "Give the session a name."),
  language: languageSchema,
  starterCode: z
    .string()
    .refine(
      (s) => utf8Bytes(s) <= LIMITS.codeBytes,
      `Starter code must be at most ${LIMITS.codeBytes / 1024} KB.`,
    )
    .refine(hasNoNul, "Starter code cannot contain NUL characters.")
    .optional(),
  /** Wall-time limit of each program run, in seconds (default 30). */
  runTimeLimitSeconds: z
    .number()
    .int("The run time limit is a whole number of seconds.")
    .min(
      LIMITS.minRunTimeLimitSeconds,
      `The run time limit is at least ${LIMITS.minRunTimeLimitSeconds} second.`,
    )
    .max(
      LIMITS.maxRunTimeLimitSeconds,
      `The run time limit is at most ${LIMITS.maxRunTimeLimitSeconds} seconds.`,
    )
    .optional(),
});
export type CreateSessionBody = z.input<typeof createSessionBodySchema>;

/**
 * `PATCH /api/sessions/:id`: the settings a teacher may change after creating a session and the
 * class controls (each optional, at least one). The language stays: students' documents
 * already hold their code.
 */
export const updateSessionBodySchema = createSessionBodySchema
  .pick({ name: true, starterCode: true, runTimeLimitSeconds: true })
  .partial()
  .extend({
    editing: editingModeSchema.optional(),
    running: runningModeSchema.optional(),
    languageLocked: z.boolean("languageLocked is true or false.").optional(),
    broadcast: broadcastModeSchema.optional(),
    ai: aiModeSchema.optional(),
    aiQuestionsPerHour: z
      .number()
      .int("The questions per hour are a whole number.")
      .min(1, "Allow at least 1 question per hour, or no limit (null).")
      .max(AI_LIMITS.maxQuestionsPerHour, `At most ${AI_LIMITS.maxQuestionsPerHour} questions per hour.`)
      .nullable()
      .optional(),
    archiveOnEnd: z.boolean("archiveOnEnd is true or false.").optional(),
    archiveRepo: repoFullNameSchema.nullable().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message:
      "Give at least one of name, starterCode, runTimeLimitSeconds, editing, running, languageLocked, broadcast, ai, aiQuestionsPerHour, archiveOnEnd and archiveRepo.",
  });
export type UpdateSessionBody = z.input<typeof updateSessionBodySchema>;

export const joinSessionBodySchema = z.strictObject({
  joinCode: z
    .string()
    .trim()
    .min(1, "Enter the join code.")
    .max(32, "A join code is at most 32 characters.")
    .transform((c) => c.replace(/[\s-]/g, "").toUpperCase())
    .pipe(z.string().regex(/^[A-Z0-9]+$/, "A join code has only letters and digits.")),
});
export type JoinSessionBody = z.input<typeof joinSessionBodySchema>;

export const sessionReplySchema = z.object({ session: sessionSchema });
export const sessionsReplySchema = z.object({ sessions: z.array(sessionSchema) });
export const sessionDetailReplySchema = z.object({
  session: sessionSchema,
  /** Present for the session's teacher (and admins); omitted for students. */
  participants: z.array(participantSchema).optional(),
});
export type SessionDetailReply = z.infer<typeof sessionDetailReplySchema>;
