import {
  DEFAULT_FAKE_KEY,
  type Exchange,
  type FakeOptions,
  type FakeProvider,
  scriptFor,
  sendJson,
  startFake,
  startSse,
  streamPieces,
  textOf,
} from "./fake-provider.ts";

/**
 * A fake of OpenAI's Chat Completions API (also what Ollama, vLLM and LM Studio speak):
 * `POST /v1/chat/completions` with `Authorization: Bearer <key>`; with `stream: true` an SSE
 * stream of `data: {"object":"chat.completion.chunk","choices":[{"delta":{"content":…}}]}`
 * ending in a chunk with `finish_reason: "stop"` and `data: [DONE]`; without it one
 * `chat.completion` object. Errors as OpenAI sends them: `{"error":{"message","type","param",
 * "code"}}`. The scripted behaviours (by model name) are in fake-provider.ts. Put `baseUrl`
 * (`…/v1`) in the AI settings.
 */
export function startOpenAiFake(options: FakeOptions = {}): Promise<FakeProvider> {
  const apiKey = options.apiKey ?? DEFAULT_FAKE_KEY;
  return startFake("/v1", apiKey, (exchange) => answer(exchange, apiKey, options));
}

const error = (message: string, type: string, code: string | null) => ({
  error: { message, type, param: null, code },
});

async function answer(exchange: Exchange, apiKey: string, options: FakeOptions): Promise<void> {
  const { req, res, path, body } = exchange;
  if (req.method !== "POST" || path !== "/v1/chat/completions")
    return sendJson(
      res,
      404,
      error(`Unknown request URL: ${req.method} ${path}.`, "invalid_request_error", "unknown_url"),
    );
  if (req.headers.authorization !== `Bearer ${apiKey}`) {
    const given = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    return sendJson(
      res,
      401,
      error(
        `Incorrect API key provided: ${given.slice(0, 3)}***${given.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        "invalid_request_error",
        "invalid_api_key",
      ),
    );
  }
  const request = body as {
    model?: string;
    stream?: boolean;
    messages?: { role: string; content: unknown }[];
  };
  const messages = request.messages ?? [];
  const system = messages
    .filter((m) => m.role === "system" || m.role === "developer")
    .map((m) => textOf(m.content))
    .join("\n");
  const lastUser = textOf(messages.filter((m) => m.role === "user").at(-1)?.content);
  const model = request.model ?? "";
  const script = scriptFor(model, { system, lastUser }, options);
  if (script.kind === "error") {
    return script.status === 429
      ? sendJson(
          res,
          429,
          error(
            `Rate limit reached for ${model} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.`,
            "requests",
            "rate_limit_exceeded",
          ),
        )
      : sendJson(
          res,
          500,
          error(
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
            null,
          ),
        );
  }
  const id = `chatcmpl-fake${Date.now()}`;
  const created = Math.floor(Date.now() / 1000);
  if (!request.stream) {
    return sendJson(res, 200, {
      id,
      object: "chat.completion",
      created,
      model,
      choices: [{ index: 0, message: { role: "assistant", content: script.text }, finish_reason: "stop" }],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    });
  }
  startSse(res);
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.write(chunk({ role: "assistant", content: "" }, null));
  const complete = await streamPieces(exchange, script, (piece) =>
    res.write(chunk({ content: piece }, null)),
  );
  if (!complete) return;
  res.write(chunk({}, "stop"));
  res.end("data: [DONE]\n\n");
}
