import { APICallError, RetryError } from "ai";

/** What the student and the teacher read when the provider fails, in words, never with the key. */
export function providerErrorMessage(error: unknown, apiKey: string | null): string {
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  let message: string;
  if (APICallError.isInstance(cause)) {
    const status = cause.statusCode;
    const said = cause.message.trim() || "no message";
    if (status === 401 || status === 403)
      message = `The AI provider refused the API key (${status}): ${said}`;
    else if (status === 429) message = `The AI provider is rate-limiting this key (429): ${said}`;
    else if (status !== undefined) message = `The AI provider failed (${status}): ${said}`;
    else message = `The AI provider could not be reached: ${said}`;
  } else if (cause instanceof Error) {
    message = `The AI provider could not be reached: ${cause.message}`;
  } else {
    message = "The AI provider failed.";
  }
  return redactKey(message, apiKey).slice(0, 500);
}

/** The text with the key (and any long enough piece of it) replaced by dots. */
export function redactKey(text: string, apiKey: string | null): string {
  if (!apiKey || apiKey.length < 4) return text;
  let out = text.split(apiKey).join("••••");
  // Providers echo a key partly (OpenAI: "sk-abc***wxyz"): no 8 characters of it in a row either.
  for (let i = 0; i + 8 <= apiKey.length; i++) out = out.split(apiKey.slice(i, i + 8)).join("••••");
  return out;
}
