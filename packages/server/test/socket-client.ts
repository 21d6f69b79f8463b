import { WebSocket } from "ws";
import type { z } from "zod";

/** A client of one of the server's JSON sockets that records the messages it receives. */
export interface SocketClient<M> {
  messages: M[];
  /** The close code. */
  closed: Promise<number>;
  /** Resolves with the first recorded message matching the predicate (past or future). */
  next(predicate: (m: M) => boolean, timeoutMs?: number): Promise<M>;
  /** Resolves once `check()` holds (tested now and after each message); else rejects with `failure()`. */
  until(check: () => boolean, timeoutMs: number, failure: () => string): Promise<void>;
  send(message: unknown): void;
  close(): void;
}

/**
 * Opens the socket at `httpUrl` + `path` and authenticates with `token` (unless null). Each
 * message is parsed with `schema`, then given to `receive` (with a way to answer), which
 * returns whether to record it.
 */
export async function openSocket<M>(
  httpUrl: string,
  path: string,
  schema: z.ZodType<M>,
  token: string | null,
  receive: (message: M, answer: (reply: unknown) => void) => boolean = () => true,
): Promise<SocketClient<M>> {
  const ws = new WebSocket(`${httpUrl.replace(/^http/, "ws")}${path}`);
  const messages: M[] = [];
  const checks = new Set<() => void>();
  const send = (message: unknown) => ws.send(JSON.stringify(message));
  ws.on("message", (data) => {
    const message = schema.parse(JSON.parse(data.toString()));
    if (!receive(message, send)) return;
    messages.push(message);
    for (const check of [...checks]) check();
  });
  const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  if (token !== null) send({ type: "auth", token });

  const until = (holds: () => boolean, timeoutMs: number, failure: () => string) => {
    if (holds()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        checks.delete(check);
        reject(new Error(failure()));
      }, timeoutMs);
      const check = () => {
        if (!holds()) return;
        clearTimeout(timer);
        checks.delete(check);
        resolve();
      };
      checks.add(check);
    });
  };
  return {
    messages,
    closed,
    async next(predicate, timeoutMs = 5000) {
      await until(
        () => messages.some(predicate),
        timeoutMs,
        () => `no matching message; got ${JSON.stringify(messages)}`,
      );
      return messages.find(predicate) as M;
    },
    until,
    send,
    close: () => ws.close(),
  };
}
