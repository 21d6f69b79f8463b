import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { AiProvider } from "@observer/protocol";
import type { LanguageModel } from "ai";

// The AI SDK prints its warnings (an unsupported setting) to the console; ours go nowhere.
globalThis.AI_SDK_LOG_WARNINGS = false;

/** What a call to a provider needs: the teacher's settings with the key opened. */
export interface ProviderSettings {
  provider: AiProvider;
  model: string;
  /** The provider's API address; null: its public one. */
  baseUrl: string | null;
  /** The plain key (held only for the call, never stored or logged); null for a server without one. */
  apiKey: string | null;
}

/**
 * The one place that turns a teacher's settings into an AI SDK model. OpenAI goes through its
 * Chat Completions API (`provider.chat`), which is also what OpenAI-compatible servers (Ollama,
 * vLLM, LM Studio) speak; Anthropic through its Messages API; Gemini through generateContent.
 */
export function languageModelFor(settings: ProviderSettings): Exclude<LanguageModel, string> {
  const baseURL = settings.baseUrl?.replace(/\/+$/, "") || undefined;
  // An empty key rather than none: the SDKs would otherwise read one from the environment.
  const apiKey = settings.apiKey ?? "";
  switch (settings.provider) {
    case "openai":
      return createOpenAI({ apiKey, baseURL }).chat(settings.model);
    case "anthropic":
      return createAnthropic({ apiKey, baseURL })(settings.model);
    case "google":
      return createGoogleGenerativeAI({ apiKey, baseURL })(settings.model);
    case "openai-compatible":
      return createOpenAICompatible({
        name: "openai-compatible",
        baseURL: baseURL ?? "http://localhost:11434/v1",
        ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
      }).chatModel(settings.model);
  }
}

/** Whether the provider needs a key (an OpenAI-compatible server a school runs may need none). */
export const needsApiKey = (provider: AiProvider) => provider !== "openai-compatible";
