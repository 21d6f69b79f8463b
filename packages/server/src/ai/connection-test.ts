import { AI_PROVIDER_LABELS, type AiTestReply } from "@observer/protocol";
import { generateText } from "ai";
import type { Actor } from "../auth/actor.ts";
import { canTeach } from "../auth/policies.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { providerErrorMessage, redactKey } from "./provider-errors.ts";
import { languageModelFor } from "./provider-model.ts";
import { providerSettingsOf } from "./teacher-settings.ts";

/** How long "Test connection" waits for the provider. */
export const CONNECTION_TEST_MS = 10_000;

/**
 * `POST /api/settings/ai/test`: a tiny request with the caller's saved settings. `ok` and a
 * message in words either way (the provider's own message when it refuses); never the key.
 */
export async function connectionTester(ctx: Ctx, actor: Actor): Promise<AiTestReply> {
  if (!canTeach(actor)) throw fail("teachers_only", "Only teachers set up AI help.");
  const settings = await providerSettingsOf(ctx, actor.id);
  if (!settings) throw fail("ai_not_configured", "Save a provider, a model and an API key first.");
  const started = Date.now();
  const signal = AbortSignal.timeout(CONNECTION_TEST_MS);
  const label = `${AI_PROVIDER_LABELS[settings.provider]} (${settings.model})`;
  try {
    const { text } = await generateText({
      model: languageModelFor(settings),
      prompt: "This is a connection test. Reply with the single word: ok",
      maxOutputTokens: 16,
      maxRetries: 0,
      abortSignal: signal,
    });
    const said = redactKey(text.trim().replace(/\s+/g, " ").slice(0, 80), settings.apiKey);
    return {
      ok: true,
      message: `Connected to ${label}: it answered "${said}".`,
      latencyMs: Date.now() - started,
    };
  } catch (err) {
    const message = signal.aborted
      ? `${label} did not answer within ${CONNECTION_TEST_MS / 1000} s.`
      : providerErrorMessage(err, settings.apiKey);
    return { ok: false, message, latencyMs: Date.now() - started };
  }
}
