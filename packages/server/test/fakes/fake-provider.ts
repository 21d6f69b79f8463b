import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

/**
 * What the AI fakes share (openai-fake.ts, anthropic-fake.ts, gemini-fake.ts): a loopback
 * HTTP server on port 0 that records every request, and the scripted answers, chosen by the
 * model name so a test (or an e2e run) decides what the "provider" does:
 *
 * - any other model: a short Markdown answer that echoes the first line of the last user
 *   message (`You wrote: "…"`), with a 2-line code block; a prompt asking for JSON (the class
 *   digest: it says "Answer only with JSON" and lists "Group N: …" lines) gets
 *   `{"clusters":[{"group":N,"title":"AI title N","explanation":"AI explanation N."}]}`.
 * - `fake-solution`: an answer that hands over a full 30-line Python solution in a ``` block.
 * - `fake-slow`: the status and headers at once, the first token only after `slowMs` (20 s).
 * - `fake-stall`: the first words at once, then nothing for `stallMs` (20 s), then the rest
 *   (to cancel an answer mid-stream).
 * - `fake-down`: 500 with the provider's error JSON.
 * - `fake-rate-limited`: 429 with the provider's error JSON.
 * - a key other than the one the fake was started with: 401 (Gemini: 400 API_KEY_INVALID, as
 *   Google answers) with the provider's error JSON.
 *
 * Answers stream in small pieces (7 characters), so code fences cross chunk boundaries. Only
 * node:http: the e2e suite imports these too.
 */

export interface RecordedRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: string;
  headers: IncomingMessage["headers"];
  body: unknown;
  model: string;
  /** The client closed the connection before the answer was complete (an abort). */
  closedEarly: boolean;
}

export interface FakeProvider {
  /** The server's origin, `http://127.0.0.1:<port>`. */
  url: string;
  /** What to put in the AI settings' base URL (the origin plus the API's version path). */
  baseUrl: string;
  /** The key the fake accepts. */
  apiKey: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface FakeOptions {
  /** The API key the fake accepts (default "fake-key-0000abcd"). */
  apiKey?: string;
  /** `fake-slow`: how long until the first token (default 20 s). */
  slowMs?: number;
  /** `fake-stall`: how long the pause after the first words lasts (default 20 s). */
  stallMs?: number;
}

export type Script =
  | { kind: "stream"; text: string; firstDelayMs: number; stallAfterFirstMs: number }
  | { kind: "error"; status: 429 | 500 };

export const DEFAULT_FAKE_KEY = "fake-key-0000abcd";

const SOLUTION = [
  "def read_numbers(text):",
  "    numbers = []",
  "    for part in text.split():",
  "        numbers.append(int(part))",
  "    return numbers",
  "",
  "",
  "def average(xs):",
  "    if not xs:",
  "        return 0",
  "    total = 0",
  "    for x in xs:",
  "        total += x",
  "    return total / len(xs)",
  "",
  "",
  "def largest(xs):",
  "    best = xs[0]",
  "    for x in xs[1:]:",
  "        if x > best:",
  "            best = x",
  "    return best",
  "",
  "",
  "def main():",
  '    xs = read_numbers("3 1 4 1 5 9 2 6")',
  '    print("average", average(xs))',
  '    print("largest", largest(xs))',
  "",
  "main()",
];

/** The full solution `fake-solution` hands over (30 lines), for tests to look for. */
export const FAKE_SOLUTION_LINES: readonly string[] = SOLUTION;

/** The scripted answer for a model and the prompt's text (system and messages). */
export function scriptFor(
  model: string,
  prompt: { system: string; lastUser: string },
  options: FakeOptions,
): Script {
  if (model === "fake-down") return { kind: "error", status: 500 };
  if (model === "fake-rate-limited") return { kind: "error", status: 429 };
  const stream = (text: string, firstDelayMs = 0, stallAfterFirstMs = 0): Script => ({
    kind: "stream",
    text,
    firstDelayMs,
    stallAfterFirstMs,
  });
  if (model === "fake-solution") {
    return stream(
      `Here is the whole program:\n\n\`\`\`python\n${SOLUTION.join("\n")}\n\`\`\`\n\nCopy it and it works.\n`,
    );
  }
  const all = `${prompt.system}\n${prompt.lastUser}`;
  if (/Answer only with JSON/.test(all)) {
    const groups = [...all.matchAll(/^Group (\d+):/gm)].map((m) => Number(m[1]));
    const clusters = groups.map((n) => ({
      group: n,
      title: `AI title ${n}`,
      explanation: `AI explanation ${n}.`,
    }));
    return stream(JSON.stringify({ clusters }));
  }
  const firstLine = prompt.lastUser.split("\n").find((l) => l.trim() !== "") ?? "";
  const text = `**A hint.** You wrote: "${firstLine.slice(0, 120)}"\n\nLook at where your loop stops:\n\n\`\`\`python\nfor i in range(len(xs)):\n    print(xs[i])\n\`\`\`\n\nTry it with a list of two items.\n`;
  if (model === "fake-slow") return stream(text, options.slowMs ?? 20_000);
  if (model === "fake-stall") return stream(text, 0, options.stallMs ?? 20_000);
  return stream(text);
}

/** The text in pieces of 7 characters. */
export function piecesOf(text: string, size = 7): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  query: URLSearchParams;
  body: unknown;
  record: RecordedRequest;
  /** Resolves after `ms`, or at once when the client has gone. */
  wait(ms: number): Promise<void>;
  /** The client closed the connection. */
  gone(): boolean;
}

/** Starts a fake on 127.0.0.1, port 0; `handle` answers each request (recorded before it runs). */
export async function startFake(
  versionPath: string,
  apiKey: string,
  handle: (exchange: Exchange) => Promise<void>,
): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      let body: unknown = null;
      const raw = Buffer.concat(chunks).toString("utf8");
      try {
        body = raw === "" ? null : JSON.parse(raw);
      } catch {
        body = raw;
      }
      const model = (body as { model?: unknown } | null)?.model;
      const record: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.search,
        headers: req.headers,
        body,
        model: typeof model === "string" ? model : "",
        closedEarly: false,
      };
      requests.push(record);
      let closed = false;
      const timers = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
      res.on("close", () => {
        closed = true;
        if (!res.writableFinished) record.closedEarly = true;
        for (const t of timers) {
          clearTimeout(t.timer);
          t.done();
        }
      });
      const wait = (ms: number) =>
        new Promise<void>((resolve) => {
          if (closed) return resolve();
          const entry = { timer: setTimeout(() => done(), ms), done: () => resolve() };
          const done = () => {
            timers.delete(entry);
            resolve();
          };
          timers.add(entry);
        });
      handle({
        req,
        res,
        path: url.pathname,
        query: url.searchParams,
        body,
        record,
        wait,
        gone: () => closed,
      }).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: String(err) } }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("fake provider: no address");
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    baseUrl: `${url}${versionPath}`,
    apiKey,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON reply. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Starts a server-sent events reply. */
export function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  res.flushHeaders();
}

/**
 * Streams a scripted answer: `write` sends one piece; waits for the script's delays (cut short
 * when the client goes away). Returns false when the client went away before the end.
 */
export async function streamPieces(
  exchange: Exchange,
  script: Extract<Script, { kind: "stream" }>,
  write: (piece: string) => void,
): Promise<boolean> {
  if (script.firstDelayMs > 0) await exchange.wait(script.firstDelayMs);
  const pieces = piecesOf(script.text);
  for (const [i, piece] of pieces.entries()) {
    if (exchange.gone()) return false;
    write(piece);
    if (i === 0 && script.stallAfterFirstMs > 0) await exchange.wait(script.stallAfterFirstMs);
    else await exchange.wait(2);
  }
  return !exchange.gone();
}

/** Text of a message content that is a string or a list of parts with `text`. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content
      .map((part) => (part && typeof part === "object" && "text" in part ? String(part.text) : ""))
      .join("");
  return "";
}
