import { type AiAskBody, type AiStreamEvent, ENDPOINTS } from "@observer/protocol";
import { api, fillPath } from "../api/client.ts";
import { ApiError, errorFromResponse, networkError } from "../api/errors.ts";
import { parseAiEvent, SseParser } from "./sse.ts";

/** The error of a stream that stopped before its `done` or `error` event. */
export function brokenStream(cause?: unknown): ApiError {
  const error = new ApiError(
    0,
    "network_error",
    "The connection broke before the answer was complete. Check your connection and try again.",
  );
  if (cause !== undefined) error.cause = cause;
  return error;
}

const isAbort = (error: unknown) => error instanceof DOMException && error.name === "AbortError";

/**
 * Asks the AI (`POST /api/sessions/:id/ai/ask`) and hands each event of the streamed answer to
 * `onEvent` as it arrives. EventSource cannot POST nor send a Bearer token, so the body is
 * read with fetch and a stream reader. A refused token is refreshed once. Resolves after the
 * `done` or `error` event; rejects with an ApiError when the server refuses before the stream
 * (ai_disabled, ai_limit_reached…) or the stream breaks off, and with an AbortError when
 * `signal` aborts (the request is then cancelled on the server too).
 */
export async function askAi(
  sessionId: string,
  body: AiAskBody,
  { signal, onEvent }: { signal: AbortSignal; onEvent: (event: AiStreamEvent) => void },
): Promise<void> {
  const path = fillPath(ENDPOINTS.aiAsk.path, { id: sessionId });
  const post = async (force: boolean) => {
    const token = await api.freshAccessToken(60, force);
    try {
      return await fetch(path, {
        method: "POST",
        headers: {
          accept: "text/event-stream",
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
        credentials: "same-origin",
        signal,
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw networkError(error);
    }
  };
  let response = await post(false);
  if (response.status === 401) response = await post(true);
  if (!response.ok) throw await errorFromResponse(response);
  if (!response.body) throw brokenStream();

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  let finished = false;
  const deliver = (events: string[]) => {
    for (const data of events) {
      const event = parseAiEvent(data);
      if (!event || finished) continue;
      onEvent(event);
      if (event.type === "done" || event.type === "error") finished = true;
    }
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      deliver(parser.push(value));
      if (finished) break;
    }
    deliver(parser.end());
  } catch (error) {
    if (isAbort(error) || signal.aborted) throw new DOMException("The question was cancelled.", "AbortError");
    throw brokenStream(error);
  } finally {
    reader.cancel().catch(() => {});
  }
  if (!finished) throw brokenStream();
}
