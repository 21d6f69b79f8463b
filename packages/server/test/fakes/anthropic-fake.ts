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
 * A fake of Anthropic's Messages API: `POST /v1/messages` with `x-api-key` and
 * `anthropic-version`; with `stream: true` the SSE events `message_start`,
 * `content_block_start`, `content_block_delta` (`{type:"text_delta", text}`), `ping`,
 * `content_block_stop`, `message_delta` (stop_reason) and `message_stop`; without it one
 * `message` object. Errors as Anthropic sends them: `{"type":"error","error":{"type",
 * "message"}}`. The scripted behaviours (by model name) are in fake-provider.ts. Put `baseUrl`
 * (`…/v1`) in the AI settings.
 */
export function startAnthropicFake(options: FakeOptions = {}): Promise<FakeProvider> {
  const apiKey = options.apiKey ?? DEFAULT_FAKE_KEY;
  return startFake("/v1", apiKey, (exchange) => answer(exchange, apiKey, options));
}

const error = (type: string, message: string) => ({ type: "error", error: { type, message } });

async function answer(exchange: Exchange, apiKey: string, options: FakeOptions): Promise<void> {
  const { req, res, path, body } = exchange;
  if (req.method !== "POST" || path !== "/v1/messages")
    return sendJson(res, 404, error("not_found_error", `Not found: ${req.method} ${path}`));
  if (req.headers["x-api-key"] !== apiKey)
    return sendJson(res, 401, error("authentication_error", "invalid x-api-key"));
  if (typeof req.headers["anthropic-version"] !== "string")
    return sendJson(res, 400, error("invalid_request_error", "anthropic-version: header is required"));
  const request = body as {
    model?: string;
    stream?: boolean;
    system?: unknown;
    messages?: { role: string; content: unknown }[];
    max_tokens?: number;
  };
  if (typeof request.max_tokens !== "number")
    return sendJson(res, 400, error("invalid_request_error", "max_tokens: Field required"));
  const system = textOf(request.system);
  const lastUser = textOf((request.messages ?? []).filter((m) => m.role === "user").at(-1)?.content);
  const model = request.model ?? "";
  const script = scriptFor(model, { system, lastUser }, options);
  if (script.kind === "error") {
    return script.status === 429
      ? sendJson(
          res,
          429,
          error(
            "rate_limit_error",
            "This request would exceed the rate limit for your organization of 5 requests per minute.",
          ),
        )
      : sendJson(res, 500, error("api_error", "Internal server error"));
  }
  const id = `msg_fake${Date.now()}`;
  const usage = { input_tokens: 10, output_tokens: 10 };
  if (!request.stream) {
    return sendJson(res, 200, {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text: script.text }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage,
    });
  }
  startSse(res);
  const event = (name: string, data: object) =>
    res.write(`event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`);
  event("message_start", {
    message: {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 1 },
    },
  });
  event("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
  event("ping", {});
  const complete = await streamPieces(exchange, script, (piece) =>
    event("content_block_delta", { index: 0, delta: { type: "text_delta", text: piece } }),
  );
  if (!complete) return;
  event("content_block_stop", { index: 0 });
  event("message_delta", {
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: 10 },
  });
  event("message_stop", {});
  res.end();
}
