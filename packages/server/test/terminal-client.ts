import {
  type RunTerminalServerMessage,
  runTerminalPath,
  runTerminalServerMessageSchema,
} from "@observer/protocol";
import { openSocket, type SocketClient } from "./socket-client.ts";

type Exit = Extract<RunTerminalServerMessage, { type: "exit" }>;

/** A run terminal client that records what it receives. */
export interface TerminalClient extends SocketClient<RunTerminalServerMessage> {
  /** All output so far, concatenated. */
  output(): string;
  /** Resolves once the output contains the text (past or future). */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** The exit message, once the run has ended. */
  exit: Promise<Exit>;
}

/** Opens a run's terminal socket and authenticates with `token` (unless null). */
export async function openTerminal(
  httpUrl: string,
  runId: string,
  token: string | null,
): Promise<TerminalClient> {
  let text = "";
  let resolveExit!: (e: Exit) => void;
  const exit = new Promise<Exit>((r) => {
    resolveExit = r;
  });
  const client = await openSocket(
    httpUrl,
    runTerminalPath(runId),
    runTerminalServerMessageSchema,
    token,
    (message) => {
      if (message.type === "output") text += message.data;
      if (message.type === "exit") resolveExit(message);
      return true;
    },
  );
  const output = () => text;
  return {
    ...client,
    output,
    waitForOutput(expected, timeoutMs = 15_000) {
      const matches = () => (typeof expected === "string" ? text.includes(expected) : expected.test(text));
      return client.until(
        matches,
        timeoutMs,
        () => `no ${String(expected)} in output: ${JSON.stringify(text)}`,
      );
    },
    exit,
  };
}
