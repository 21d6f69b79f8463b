import { z } from "zod";
import { idSchema, timestampSchema } from "./ids.ts";
import { LIMITS } from "./limits.ts";
import { hasNoControlChars } from "./text.ts";

/**
 * The help queue: a student raises a hand (waiting), the teacher claims it (helping) and
 * resolves it, or the student lowers it (resolved). A student has at most one open (waiting or
 * helping) hand per session.
 */
export const HAND_STATUSES = ["waiting", "helping", "resolved"] as const;
export const handStatusSchema = z.enum(HAND_STATUSES);
export type HandStatus = z.infer<typeof handStatusSchema>;

export const handSchema = z.object({
  id: idSchema,
  sessionId: idSchema,
  /** The student who raised it. */
  userId: idSchema,
  /** The student's name. */
  name: z.string(),
  /** What the student asks about ("" when they gave nothing). */
  message: z.string(),
  /** The line of the student's code they ask about (1-based), or null. */
  line: z.number().int().positive().nullable(),
  status: handStatusSchema,
  /** 1-based place among the waiting hands in order of raising; null when not waiting. */
  position: z.number().int().positive().nullable(),
  /** The name of whoever claimed it, or null while nobody has. */
  helperName: z.string().nullable(),
  createdAt: timestampSchema,
  claimedAt: timestampSchema.nullable(),
  resolvedAt: timestampSchema.nullable(),
});
export type Hand = z.infer<typeof handSchema>;

/**
 * `POST /api/sessions/:id/hands`: both fields optional (send `{}` for a bare hand). Raising
 * again while a hand is open changes the fields given and keeps the others.
 */
export const raiseHandBodySchema = z.strictObject({
  message: z
    .string()
    .trim()
    .max(LIMITS.handMessageChars, `The message must be at most ${LIMITS.handMessageChars} characters.`)
    .refine(hasNoControlChars, "The message must be one line without control characters.")
    .optional(),
  line: z
    .number()
    .int("The line is a whole number.")
    .min(1, "Lines are counted from 1.")
    .max(LIMITS.handMaxLine, `The line is at most ${LIMITS.handMaxLine}.`)
    .nullable()
    .optional(),
});
export type RaiseHandBody = z.input<typeof raiseHandBodySchema>;

export const handReplySchema = z.object({ hand: handSchema });
export const handsReplySchema = z.object({ hands: z.array(handSchema) });
