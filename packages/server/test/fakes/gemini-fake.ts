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
 * A fake of Google's Gemini API (generativelanguage.googleapis.com): `POST
 * /v1beta/models/{model}:streamGenerateContent?alt=sse` (an SSE stream of `data:
 * {"candidates":[{"content":{"role":"model","parts":[{"text":…}]}}]}`, the last with
 * `finishReason: "STOP"` and `usageMetadata`) and `:generateContent` (one such object), the
 * key in `x-goog-api-key`. Errors as Google sends them: `{"error":{"code","message","status"}}`
 * (a wrong key is 400 INVALID_ARGUMENT, reason API_KEY_INVALID). The model comes from the
 * path; the scripted behaviours (by model name) are in fake-provider.ts. Put `baseUrl`
 * (`…/v1beta`) in the AI settings.
 */
export function startGeminiFake(options: FakeOptions = {}): Promise<FakeProvider> {
  const apiKey = options.apiKey ?? DEFAULT_FAKE_KEY;
  return startFake("/v1beta", apiKey, (exchange) => answer(exchange, apiKey, options));
}

const error = (code: number, status: string, message: string, details: object[] = []) => ({
  error: { code, message, status, details },
});

async function answer(exchange: Exchange, apiKey: string, options: FakeOptions): Promise<void> {
  const { req, res, path, body, query } = exchange;
  const match = /^\/v1beta\/models\/([^/:]+):(streamGenerateContent|generateContent)$/.exec(path);
  if (req.method !== "POST" || !match)
    return sendJson(res, 404, error(404, "NOT_FOUND", `Not found: ${req.method} ${path}`));
  const model = decodeURIComponent(match[1] as string);
  exchange.record.model = model;
  const key = req.headers["x-goog-api-key"] ?? query.get("key");
  if (key !== apiKey) {
    return sendJson(
      res,
      400,
      error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "API_KEY_INVALID",
          domain: "googleapis.com",
        },
      ]),
    );
  }
  const request = body as {
    systemInstruction?: { parts?: unknown };
    contents?: { role?: string; parts?: unknown }[];
  };
  const system = textOf(request.systemInstruction?.parts);
  const lastUser = textOf((request.contents ?? []).filter((c) => c.role !== "model").at(-1)?.parts);
  const script = scriptFor(model, { system, lastUser }, options);
  if (script.kind === "error") {
    return script.status === 429
      ? sendJson(
          res,
          429,
          error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
        )
      : sendJson(
          res,
          500,
          error(
            500,
            "INTERNAL",
            "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
          ),
        );
  }
  const usageMetadata = { promptTokenCount: 10, candidatesTokenCount: 10, totalTokenCount: 20 };
  const candidate = (text: string, finishReason?: string) => ({
    content: { role: "model", parts: [{ text }] },
    index: 0,
    ...(finishReason ? { finishReason } : {}),
  });
  if (match[2] === "generateContent") {
    return sendJson(res, 200, {
      candidates: [candidate(script.text, "STOP")],
      usageMetadata,
      modelVersion: model,
    });
  }
  if (query.get("alt") !== "sse")
    return sendJson(res, 400, error(400, "INVALID_ARGUMENT", "This fake streams only with alt=sse."));
  startSse(res);
  const data = (payload: object) => res.write(`data: ${JSON.stringify(payload)}\r\n\r\n`);
  const complete = await streamPieces(exchange, script, (piece) =>
    data({ candidates: [candidate(piece)], modelVersion: model }),
  );
  if (!complete) return;
  data({ candidates: [candidate("", "STOP")], usageMetadata, modelVersion: model });
  res.end();
}
