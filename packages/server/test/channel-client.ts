import { type ChannelServerMessage, channelServerMessageSchema } from "@observer/protocol";
import { WebSocket } from "ws";

/** A session channel client that records every message it receives. */
export interface ChannelClient {
  messages: ChannelServerMessage[];
  closed: Promise<number>;
  /** Resolves with the first recorded message matching the predicate (past or future). */
  next(predicate: (m: ChannelServerMessage) => boolean, timeoutMs?: number): Promise<ChannelServerMessage>;
  close(): void;
}

export async function openChannel(
  httpUrl: string,
  sessionId: string,
  token: string | null,
): Promise<ChannelClient> {
  const ws = new WebSocket(`${httpUrl.replace(/^http/, "ws")}/api/sessions/${sessionId}/channel`);
  const messages: ChannelServerMessage[] = [];
  const waiters: {
    predicate: (m: ChannelServerMessage) => boolean;
    resolve: (m: ChannelServerMessage) => void;
  }[] = [];
  ws.on("message", (data) => {
    const message = channelServerMessageSchema.parse(JSON.parse(data.toString()));
    // The server's liveness probe, answered as the web app does.
    if (message.type === "ping") {
      ws.send(JSON.stringify({ type: "pong" }));
      return;
    }
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  if (token !== null) ws.send(JSON.stringify({ type: "auth", token }));
  return {
    messages,
    closed,
    next(predicate, timeoutMs = 5000) {
      const seen = messages.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching message; got ${JSON.stringify(messages)}`)),
          timeoutMs,
        );
        waiters.push({
          predicate,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    close: () => ws.close(),
  };
}
