import {
  type RunTerminalServerMessage,
  runTerminalPath,
  runTerminalServerMessageSchema,
} from "@observer/protocol";
import { WebSocket } from "ws";

type Exit = Extract<RunTerminalServerMessage, { type: "exit" }>;

/** A run terminal client that records what it receives. */
export interface TerminalClient {
  messages: RunTerminalServerMessage[];
  /** All output so far, concatenated. */
  output(): string;
  /** Resolves once the output contains the text (past or future). */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** The exit message, once the run has ended. */
  exit: Promise<Exit>;
  /** The close code. */
  closed: Promise<number>;
  send(message: unknown): void;
  close(): void;
}

/** Opens a run's terminal socket and authenticates with `token` (unless null). */
export async function openTerminal(
  httpUrl: string,
  runId: string,
  token: string | null,
): Promise<TerminalClient> {
  const ws = new WebSocket(`${httpUrl.replace(/^http/, "ws")}${runTerminalPath(runId)}`);
  const messages: RunTerminalServerMessage[] = [];
  let text = "";
  const waiters = new Set<() => void>();
  let resolveExit!: (e: Exit) => void;
  const exit = new Promise<Exit>((r) => {
    resolveExit = r;
  });
  ws.on("message", (data) => {
    const message = runTerminalServerMessageSchema.parse(JSON.parse(data.toString()));
    messages.push(message);
    if (message.type === "output") text += message.data;
    if (message.type === "exit") resolveExit(message);
    for (const waiter of [...waiters]) waiter();
  });
  const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  if (token !== null) ws.send(JSON.stringify({ type: "auth", token }));
  return {
    messages,
    output: () => text,
    waitForOutput(expected, timeoutMs = 15_000) {
      const matches = () => (typeof expected === "string" ? text.includes(expected) : expected.test(text));
      if (matches()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${String(expected)} in output: ${JSON.stringify(text)}`));
        }, timeoutMs);
        const check = () => {
          if (!matches()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    exit,
    closed,
    send: (message) => ws.send(JSON.stringify(message)),
    close: () => ws.close(),
  };
}
