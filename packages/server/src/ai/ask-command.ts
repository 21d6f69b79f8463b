import { randomUUID } from "node:crypto";
import type { AiAskKind } from "@observer/protocol";
import { streamText } from "ai";
import type { Actor } from "../auth/actor.ts";
import { sessionAccess } from "../commands/session-access.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import type { FileReply } from "../http/route.ts";
import { finishExchange, insertExchangeWithinLimit, updateExchangeAnswer } from "../storage/ai-exchanges.ts";
import { announceExchange } from "./exchange-log.ts";
import { HintsEnforcer } from "./hints-enforcer.ts";
import { askPrompt, SYSTEM_PROMPTS } from "./prompts.ts";
import { providerErrorMessage, redactKey } from "./provider-errors.ts";
import { languageModelFor } from "./provider-model.ts";
import { SseStream } from "./sse-stream.ts";
import { studentContext } from "./student-context.ts";
import { providerSettingsOf } from "./teacher-settings.ts";

/** The longest answer asked of the model (tokens). */
const MAX_OUTPUT_TOKENS = 1200;
/** How often the answer so far is written while it streams. */
const SAVE_EVERY_MS = 1000;

/** Hears when the asking client goes away (the route wires it to the HTTP connection). */
export type OnClientGone = (listener: () => void) => void;

/**
 * `POST /api/sessions/:id/ai/ask`: a member student's question, answered by the session
 * teacher's AI provider as a stream of server-sent events.
 *
 * Everything that refuses the question is checked before any byte is sent, so each is a real
 * HTTP error: a stranger 404, the teacher 403, an ended session 410, AI off 403 `ai_disabled`,
 * no provider or key 409 `ai_not_configured`, over the per-hour limit 429 `ai_limit_reached`.
 * The reply also waits for the provider's first words: a provider that fails before them (down,
 * wrong key, rate limited) or sends nothing within `config.ai.firstTokenTimeoutMs` is 502
 * `ai_provider_error` with its message. After that, a failure is an `error` event. The exchange
 * is stored as it streams (the teacher's log) and announced to the teachers when it starts and
 * ends; the provider's request is aborted when the student disconnects (status cancelled).
 */
export async function aiAsker(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
  body: { kind: AiAskKind; message?: string | undefined },
  onClientGone: OnClientGone,
): Promise<FileReply> {
  const { session, manage } = await sessionAccess(ctx, actor, sessionId);
  if (manage) throw fail("forbidden", "Only the session's students ask the AI; teachers read the AI log.");
  if (session.status === "ended") throw fail("session_ended");
  if (session.ai === "off") throw fail("ai_disabled");
  const settings = await providerSettingsOf(ctx, session.teacher_id);
  if (!settings)
    throw fail("ai_not_configured", "Your teacher has not set up AI help yet (no AI provider or API key).");
  const mode = session.ai;
  const message = body.message ?? "";
  const context = await studentContext(ctx.db, session, actor.id);
  const exchange = await insertExchangeWithinLimit(ctx.db, {
    id: randomUUID(),
    sessionId,
    userId: actor.id,
    kind: body.kind,
    mode,
    message,
    perHour: session.ai_questions_per_hour,
  });
  if (!exchange) {
    throw fail(
      "ai_limit_reached",
      `You asked the AI ${session.ai_questions_per_hour} times in the last hour, as many as this session allows. Try again later, or raise your hand.`,
    );
  }
  const exchangeId = exchange.id;
  await announceExchange(ctx, sessionId, exchangeId);
  ctx.log.info({ sessionId, exchangeId, by: actor.id, kind: body.kind, mode }, "AI question asked");

  const controller = new AbortController();
  let why: "gone" | "slow" | "long" | null = null;
  const abort = (reason: "gone" | "slow" | "long") => {
    why ??= reason;
    controller.abort();
  };
  onClientGone(() => abort("gone"));
  const firstTokenTimer = setTimeout(() => abort("slow"), ctx.config.ai.firstTokenTimeoutMs);
  const answerTimer = setTimeout(() => abort("long"), ctx.config.ai.answerTimeoutMs);
  const clearTimers = () => {
    clearTimeout(firstTokenTimer);
    clearTimeout(answerTimer);
  };

  const result = streamText({
    model: languageModelFor(settings),
    system: SYSTEM_PROMPTS[mode],
    prompt: askPrompt(body.kind, message, context),
    maxOutputTokens: MAX_OUTPUT_TOKENS,
    maxRetries: 0,
    abortSignal: controller.signal,
    // Errors come as parts of the stream below; the default would print them to the console.
    onError: () => {},
  });
  const parts = result.fullStream[Symbol.asyncIterator]();
  /** The next part of the answer; a stream that throws gives an error part. */
  const nextPart = () =>
    parts
      .next()
      .catch((error: unknown) => ({ done: false as const, value: { type: "error" as const, error } }));
  const enforcer = mode === "hints" ? new HintsEnforcer() : null;
  const filter = (text: string) => (enforcer ? enforcer.push(text) : text);
  const key = settings.apiKey;

  let answer = "";
  /** The answer so far being written (one write at a time, in order). */
  let saving: Promise<void> = Promise.resolve();
  /** The end of an exchange, stored and announced once. */
  const finish = async (status: "answered" | "failed" | "cancelled", error: string | null) => {
    clearTimers();
    await saving;
    await finishExchange(ctx.db, exchangeId, { status, answer, cut: enforcer?.cut ?? false, error }).catch(
      (err: unknown) => ctx.log.error({ err, exchangeId }, "AI: storing the answer failed"),
    );
    await announceExchange(ctx, sessionId, exchangeId);
    ctx.log.info({ sessionId, exchangeId, status, chars: answer.length }, "AI answer ended");
  };
  const abortMessage = () =>
    why === "slow"
      ? `The AI provider was too slow: no answer within ${Math.round(ctx.config.ai.firstTokenTimeoutMs / 1000)} s. Try again in a moment.`
      : `The answer took longer than ${Math.round(ctx.config.ai.answerTimeoutMs / 1000)} s and was stopped.`;

  // Until the first words: a failure is still an HTTP error.
  let first = "";
  for (;;) {
    const next = await nextPart();
    if (next.done) break;
    const part = next.value;
    if (part.type === "text-delta" && part.text !== "") {
      first = part.text;
      break;
    }
    if (part.type === "finish") break;
    if (part.type === "error" || part.type === "abort") {
      if (why === "gone") {
        await finish("cancelled", null);
        throw fail("ai_provider_error", "The question was cancelled.");
      }
      const said = controller.signal.aborted
        ? abortMessage()
        : providerErrorMessage((part as { error?: unknown }).error, key);
      await finish("failed", said);
      throw fail("ai_provider_error", said);
    }
  }
  clearTimeout(firstTokenTimer);

  const sse = new SseStream(() => abort("gone"));
  sse.send({ type: "start", exchangeId, mode });
  let lastSave = Date.now();
  const emit = (text: string) => {
    if (text === "") return;
    answer += text;
    sse.send({ type: "delta", text });
    if (Date.now() - lastSave >= SAVE_EVERY_MS) {
      lastSave = Date.now();
      const snapshot = answer;
      saving = saving.then(() =>
        updateExchangeAnswer(ctx.db, exchangeId, snapshot, enforcer?.cut ?? false).catch((err: unknown) =>
          ctx.log.warn({ err, exchangeId }, "AI: saving the answer so far failed"),
        ),
      );
    }
  };
  emit(filter(first));

  const rest = async () => {
    for (;;) {
      const next = await nextPart();
      if (next.done || next.value.type === "finish") break;
      const part = next.value;
      if (part.type === "text-delta") emit(filter(part.text));
      else if (part.type === "error" || part.type === "abort") {
        if (why === "gone") {
          await finish("cancelled", null);
          return sse.end();
        }
        const said = controller.signal.aborted
          ? abortMessage()
          : providerErrorMessage((part as { error?: unknown }).error, key);
        emit(enforcer ? enforcer.end() : "");
        await finish("failed", said);
        sse.send({ type: "error", code: "ai_provider_error", message: said });
        return sse.end();
      }
    }
    emit(enforcer ? enforcer.end() : "");
    if (why === "gone") {
      await finish("cancelled", null);
      return sse.end();
    }
    await finish("answered", null);
    sse.send({ type: "done", cut: enforcer?.cut ?? false });
    sse.end();
  };
  rest().catch(async (err: unknown) => {
    ctx.log.error({ err: redactKey(String(err), key), exchangeId }, "AI: streaming the answer failed");
    await finish("failed", "The answer could not be streamed.");
    sse.send({ type: "error", code: "ai_provider_error", message: "The answer could not be streamed." });
    sse.end();
  });
  return { body: sse.readable };
}
