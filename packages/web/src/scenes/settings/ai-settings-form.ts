import type { AiProvider, AiSettings, AiSettingsBody } from "@observer/protocol";

/** The AI card's text fields, as the API names them. */
export interface AiSettingsValues extends Record<string, string> {
  provider: AiProvider;
  model: string;
  baseUrl: string;
  apiKey: string;
}

/** What Save does with the stored key: keep it, replace it with the typed one, or remove it. */
export type KeyChange = "keep" | "replace" | "remove";

/** A model each provider has, as the model field's example. */
export const MODEL_EXAMPLES: Record<AiProvider, string> = {
  openai: "gpt-4o-mini",
  anthropic: "claude-3-5-haiku-latest",
  google: "gemini-2.0-flash",
  "openai-compatible": "llama3.2",
};

/** The form's first values: the saved settings, or OpenAI's defaults when there are none. */
export function initialValues(settings: AiSettings | null): AiSettingsValues {
  return {
    provider: settings?.provider ?? "openai",
    model: settings?.model ?? "",
    baseUrl: settings?.baseUrl ?? "",
    apiKey: "",
  };
}

/**
 * The `PUT /api/settings/ai` body of the form: an empty base URL is none; the key is sent only
 * when replaced (typed) or removed (null), so a Save that leaves it alone keeps it.
 */
export function settingsBody(values: AiSettingsValues, key: KeyChange): AiSettingsBody {
  const body: AiSettingsBody = {
    provider: values.provider,
    model: values.model.trim(),
    baseUrl: values.baseUrl.trim() || null,
  };
  if (key === "replace") body.apiKey = values.apiKey.trim();
  if (key === "remove") body.apiKey = null;
  return body;
}

/** Whether the form differs from what is saved (Test connection tries what is saved). */
export function isDirty(values: AiSettingsValues, saved: AiSettings | null, key: KeyChange): boolean {
  const start = initialValues(saved);
  return (
    key !== "keep" ||
    values.provider !== start.provider ||
    values.model.trim() !== start.model ||
    values.baseUrl.trim() !== start.baseUrl
  );
}
