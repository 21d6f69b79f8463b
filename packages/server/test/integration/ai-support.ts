import { type AiStreamEvent, aiStreamEventSchema } from "@observer/protocol";
import type { TestUser } from "../factories.ts";

/** Helpers of the AI integration tests (ai.test.ts): asking over HTTP and reading the answer's events. */

/** A Python traceback as the terminal shows it (CRLF). */
export const traceback = (line: number, error: string) =>
  `Traceback (most recent call last):\r\n  File "/work/main.py", line ${line}, in <module>\r\n    x = y\r\n${error}\r\n`;

/** The events of a server-sent events body, each checked against the protocol. */
export function parseEvents(text: string): AiStreamEvent[] {
  return text
    .split("\n\n")
    .map((block) => block.split("\n").find((line) => line.startsWith("data: ")))
    .filter((line): line is string => line !== undefined)
    .map((line) => aiStreamEventSchema.parse(JSON.parse(line.slice("data: ".length))));
}

/** The text of the delta events. */
export const answerOf = (events: AiStreamEvent[]) =>
  events.map((e) => (e.type === "delta" ? e.text : "")).join("");

/** Asks over the network (a real streamed reply); the whole body read. */
export async function ask(
  url: string,
  sessionId: string,
  user: TestUser,
  body: { kind: string; message?: string },
): Promise<{ status: number; type: string; text: string; events: AiStreamEvent[]; json: () => unknown }> {
  const res = await fetch(`${url}/api/sessions/${sessionId}/ai/ask`, {
    method: "POST",
    headers: { authorization: `Bearer ${user.accessToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  return {
    status: res.status,
    type,
    text,
    events: type.startsWith("text/event-stream") ? parseEvents(text) : [],
    json: () => JSON.parse(text),
  };
}
