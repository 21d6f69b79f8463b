import { z } from "zod";
import { aiLogEntrySchema } from "./ai.ts";
import { handSchema } from "./hands.ts";
import { idSchema, timestampSchema } from "./ids.ts";
import { runSummarySchema } from "./runs.ts";
import { sessionSchema } from "./sessions.ts";

/** WebSocket path of a session's live channel (roster, presence; later runs, hands, broadcasts). */
export const sessionChannelPath = (sessionId: string) => `/api/sessions/${sessionId}/channel`;

export { channelAuthSchema } from "./socket-auth.ts";

export const rosterEntrySchema = z.object({
  userId: idSchema,
  name: z.string(),
  online: z.boolean(),
  joinedAt: timestampSchema,
  /** When the student's code last changed (ISO), or null if never. */
  lastEditAt: timestampSchema.nullable(),
  /** The student's latest run, or null if they have not run anything in this session. */
  lastRun: runSummarySchema.nullable(),
  /**
   * Extension: how many of the student's latest runs with a verdict failed in a row (see
   * `runFailure` and `hasVerdict` in run-failure.ts); 0 when the last one succeeded or none ended.
   */
  failedInARow: z.number().int().nonnegative(),
  /** Extension: characters the student typed and pasted (the "pasted a lot" signal, history.ts). */
  typedChars: z.number().int().nonnegative(),
  pastedChars: z.number().int().nonnegative(),
});
export type RosterEntry = z.infer<typeof rosterEntrySchema>;

/** Server -> client messages of the session channel. */
export const channelServerMessageSchema = z.discriminatedUnion("type", [
  /** Sent once after auth: the whole roster (teacher), or the student's own entry (student). */
  z.object({
    type: z.literal("ready"),
    role: z.enum(["teacher", "student"]),
    roster: z.array(rosterEntrySchema),
  }),
  z.object({ type: z.literal("participant_joined"), participant: rosterEntrySchema }),
  z.object({ type: z.literal("presence"), userId: idSchema, online: z.boolean() }),
  z.object({ type: z.literal("edited"), userId: idSchema, at: timestampSchema }),
  z.object({ type: z.literal("session_ended"), endedAt: timestampSchema }),
  /**
   * Extension (teachers only): how much of a student's code they typed and pasted so far; at
   * once after a paste, else at most every 30 s while they type.
   */
  z.object({
    type: z.literal("provenance"),
    userId: idSchema,
    typedChars: z.number().int().nonnegative(),
    pastedChars: z.number().int().nonnegative(),
  }),
  /** The teacher changed the session's settings (name, starter code, time per run); every member. */
  z.object({ type: z.literal("session_updated"), session: sessionSchema }),
  /**
   * A run changed state or printed (throttled). Teachers get every student's; a student gets
   * their own (also runs the teacher starts for them, so their terminal can attach).
   */
  z.object({ type: z.literal("run_update"), run: runSummarySchema }),
  /**
   * A raised hand changed (raised, message changed, claimed, resolved or lowered) or moved up
   * the queue. Teachers get every hand's; a student gets their own.
   */
  z.object({ type: z.literal("hand_update"), hand: handSchema }),
  /**
   * Extension (teachers only): a student's question to the AI started or ended (answered,
   * failed or cancelled), as the AI log shows it. Never sent to students.
   */
  z.object({ type: z.literal("ai_exchange"), entry: aiLogEntrySchema }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
  /** The server's liveness probe (every heartbeat): answer `{type:"pong"}`, or be dropped as gone. */
  z.object({ type: z.literal("ping") }),
]);
export type ChannelServerMessage = z.infer<typeof channelServerMessageSchema>;

/** Client -> server messages after auth; the server closes the channel with 4400 on any other. */
export const channelClientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ping") }),
  /** The answer to the server's `ping`. */
  z.object({ type: z.literal("pong") }),
]);
export type ChannelClientMessage = z.infer<typeof channelClientMessageSchema>;
