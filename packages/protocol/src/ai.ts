import { z } from "zod";
import { idSchema, timestampSchema } from "./ids.ts";
import { aiModeSchema } from "./session-controls.ts";

/** Which AI service a teacher's key is for; "openai-compatible" is any server speaking OpenAI's API (Ollama, vLLM, LM Studio). */
export const AI_PROVIDERS = ["openai", "anthropic", "google", "openai-compatible"] as const;
export const aiProviderSchema = z.enum(
  AI_PROVIDERS,
  'The provider is "openai", "anthropic", "google" or "openai-compatible".',
);
export type AiProvider = z.infer<typeof aiProviderSchema>;

/** Human names of the providers, for settings forms and messages. */
export const AI_PROVIDER_LABELS: Record<AiProvider, string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  google: "Google Gemini",
  "openai-compatible": "OpenAI-compatible server (Ollama, vLLM, LM Studio…)",
};

/** Limits of the AI inputs. */
export const AI_LIMITS = {
  modelChars: 200,
  baseUrlChars: 500,
  apiKeyChars: 500,
  /** A student's own question. */
  messageChars: 2000,
  /** Questions per student per hour a teacher may allow at most. */
  maxQuestionsPerHour: 1000,
} as const;

/** How the key is shown back: its last 4 characters after dots. */
export const maskApiKey = (key: string) => `••••${key.slice(-4)}`;

/** `GET /api/settings/ai`: the teacher's AI settings; the key never, only masked (or null when none is set). */
export const aiSettingsSchema = z.object({
  provider: aiProviderSchema,
  model: z.string(),
  baseUrl: z.string().nullable(),
  apiKey: z.string().nullable(),
});
export type AiSettings = z.infer<typeof aiSettingsSchema>;

/** GET's reply: the settings, or null when the teacher has not set any. */
export const aiSettingsReplySchema = z.object({ settings: aiSettingsSchema.nullable() });
export type AiSettingsReply = z.infer<typeof aiSettingsReplySchema>;

const httpUrl = z
  .string()
  .trim()
  .max(AI_LIMITS.baseUrlChars, `The base URL is at most ${AI_LIMITS.baseUrlChars} characters.`)
  .refine(
    (s) => /^https?:\/\/[^\s]+$/.test(s) && URL.canParse(s),
    "The base URL is an http:// or https:// URL.",
  );

/**
 * `PUT /api/settings/ai`. Without `apiKey` the stored key stays; `apiKey: null` removes it.
 * `baseUrl` is required for "openai-compatible" and optional otherwise (a proxy or a region).
 */
export const aiSettingsBodySchema = z
  .strictObject({
    provider: aiProviderSchema,
    model: z
      .string()
      .trim()
      .min(1, "Name the model, such as gpt-4o-mini.")
      .max(AI_LIMITS.modelChars, `The model name is at most ${AI_LIMITS.modelChars} characters.`),
    baseUrl: httpUrl.nullable().optional(),
    apiKey: z
      .string()
      .trim()
      .min(1, "The API key is empty.")
      .max(AI_LIMITS.apiKeyChars, `The API key is at most ${AI_LIMITS.apiKeyChars} characters.`)
      .nullable()
      .optional(),
  })
  .refine((body) => body.provider !== "openai-compatible" || Boolean(body.baseUrl), {
    message: "An OpenAI-compatible server needs its base URL, such as http://localhost:11434/v1.",
    path: ["baseUrl"],
  });
export type AiSettingsBody = z.input<typeof aiSettingsBodySchema>;

/** `POST /api/settings/ai/test`: a tiny request to the provider with the saved settings. */
export const aiTestReplySchema = z.object({
  ok: z.boolean(),
  /** What the provider answered, or why it failed, in words for the teacher. */
  message: z.string(),
  latencyMs: z.number().int().nonnegative(),
});
export type AiTestReply = z.infer<typeof aiTestReplySchema>;

/** What a student asks for: a hint, an explanation of their last failed run's error, or their own question. */
export const AI_ASK_KINDS = ["hint", "explain_error", "question"] as const;
export const aiAskKindSchema = z.enum(AI_ASK_KINDS, 'Ask for a "hint", "explain_error" or a "question".');
export type AiAskKind = z.infer<typeof aiAskKindSchema>;

/** `POST /api/sessions/:id/ai/ask`. `message` is required for a question, optional otherwise. */
export const aiAskBodySchema = z
  .strictObject({
    kind: aiAskKindSchema,
    message: z
      .string()
      .trim()
      .max(AI_LIMITS.messageChars, `A question is at most ${AI_LIMITS.messageChars} characters.`)
      .optional(),
  })
  .refine((body) => body.kind !== "question" || Boolean(body.message), {
    message: "Write your question.",
    path: ["message"],
  });
export type AiAskBody = z.input<typeof aiAskBodySchema>;

/**
 * The answer's stream (`text/event-stream`, each event's `data:` one JSON object): text as it
 * comes, then `done` (with `cut` when hints mode shortened code blocks) or `error`.
 */
export const aiStreamEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("start"), exchangeId: idSchema, mode: aiModeSchema }),
  z.object({ type: z.literal("delta"), text: z.string() }),
  z.object({ type: z.literal("done"), cut: z.boolean() }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
]);
export type AiStreamEvent = z.infer<typeof aiStreamEventSchema>;

/** How an exchange ended. */
export const AI_EXCHANGE_STATUSES = ["streaming", "answered", "failed", "cancelled"] as const;
export const aiExchangeStatusSchema = z.enum(AI_EXCHANGE_STATUSES);
export type AiExchangeStatus = z.infer<typeof aiExchangeStatusSchema>;

/** One question and its answer, as the teacher's log shows it (`GET /api/sessions/:id/ai/log`). */
export const aiLogEntrySchema = z.object({
  id: idSchema,
  userId: idSchema,
  name: z.string(),
  kind: aiAskKindSchema,
  /** The student's words (empty for a hint or an explanation asked with none). */
  message: z.string(),
  /** The answer as the student got it (after hints mode's cut). */
  answer: z.string(),
  at: timestampSchema,
  /** Extensions: the mode it was asked in, how it ended, the error the student saw. */
  mode: aiModeSchema,
  status: aiExchangeStatusSchema,
  error: z.string().nullable(),
  cut: z.boolean(),
});
export type AiLogEntry = z.infer<typeof aiLogEntrySchema>;

export const aiLogReplySchema = z.object({ entries: z.array(aiLogEntrySchema) });
export type AiLogReply = z.infer<typeof aiLogReplySchema>;

/** One group of the class digest: students whose current failing runs share a cause. */
export const aiDigestClusterSchema = z.object({
  /** One line: "`IndexError` in the loop over `range(len(xs)+1)`". */
  title: z.string(),
  /** A sentence or two for the teacher: what goes wrong, what to say to the class. */
  explanation: z.string(),
  students: z.array(z.object({ userId: idSchema, name: z.string() })),
});
export type AiDigestCluster = z.infer<typeof aiDigestClusterSchema>;

/** `POST /api/sessions/:id/ai/digest` (the teacher): the class's current failing runs in a few groups. */
export const aiDigestReplySchema = z.object({
  clusters: z.array(aiDigestClusterSchema),
  /** Students whose latest run failed, grouped or not. */
  failingStudents: z.number().int().nonnegative(),
  at: timestampSchema,
});
export type AiDigestReply = z.infer<typeof aiDigestReplySchema>;
