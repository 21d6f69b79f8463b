import type { IncomingMessage } from "node:http";
import {
  type ChannelServerMessage,
  channelServerMessageSchema,
  type RosterEntry,
  sessionChannelPath,
} from "@observer/protocol";
import { WebSocket } from "ws";

/**
 * A session channel that reconnects by itself, as the web app's does: when its socket closes
 * (its instance killed), it opens a new one to the same URL after `reconnectMs` and
 * authenticates again, until `close()`. It keeps what a teacher's screen would show: the
 * roster of the last `ready`, with the online state updated by every `presence` event since.
 */
export interface LiveChannel {
  /** Every message received, across reconnections (but the server's pings). */
  messages: ChannelServerMessage[];
  /** Date.now() of each `ready` received: one for the first connection, one more per reconnection. */
  readyAt: number[];
  /** The roster of the last `ready`, and whether each participant is online now. */
  roster(): RosterEntry[];
  online(): Map<string, boolean>;
  /** The socket's local port (to ask the balancer which instance it reached); null while closed. */
  localPort(): number | null;
  /** Resolves once `check()` holds (tested now and after each message); rejects with `failure()` after `timeoutMs`. */
  until(check: () => boolean, timeoutMs: number, failure: () => string): Promise<void>;
  close(): void;
}

/** Longest a test waits for one condition on a channel unless it says otherwise. */
const DEFAULT_WAIT_MS = 10_000;

/** Opens a reconnecting session channel at `httpUrl` as the holder of `token`; resolves on the first `ready`. */
export async function openLiveChannel(
  httpUrl: string,
  sessionId: string,
  token: string,
  reconnectMs = 100,
): Promise<LiveChannel> {
  const url = `${httpUrl.replace(/^http/, "ws")}${sessionChannelPath(sessionId)}`;
  const messages: ChannelServerMessage[] = [];
  const checks = new Set<() => void>();
  let roster: RosterEntry[] = [];
  const online = new Map<string, boolean>();
  const readyAt: number[] = [];
  let port: number | null = null;
  let current: WebSocket | null = null;
  let closed = false;

  const connect = () => {
    if (closed) return;
    const ws = new WebSocket(url);
    current = ws;
    ws.on("upgrade", (response: IncomingMessage) => {
      port = response.socket.localPort ?? null;
    });
    ws.on("open", () => ws.send(JSON.stringify({ type: "auth", token })));
    ws.on("message", (data) => {
      const message = channelServerMessageSchema.parse(JSON.parse(data.toString()));
      if (message.type === "ping") {
        ws.send(JSON.stringify({ type: "pong" }));
        return;
      }
      if (message.type === "ready") {
        readyAt.push(Date.now());
        roster = message.roster;
        online.clear();
        for (const entry of roster) online.set(entry.userId, entry.online);
      } else if (message.type === "presence") {
        online.set(message.userId, message.online);
      }
      messages.push(message);
      for (const check of [...checks]) check();
    });
    // A refused connect (no instance behind the balancer yet) closes too: both retry.
    ws.on("error", () => {});
    ws.on("close", () => {
      port = null;
      if (current === ws) current = null;
      if (!closed) setTimeout(connect, reconnectMs);
    });
  };

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

  const channel: LiveChannel = {
    messages,
    readyAt,
    roster: () => roster,
    online: () => new Map(online),
    localPort: () => port,
    until,
    close() {
      closed = true;
      current?.close();
      current = null;
    },
  };
  connect();
  try {
    await until(
      () => readyAt.length > 0,
      DEFAULT_WAIT_MS,
      () => `the session channel sent no ready: ${JSON.stringify(messages)}`,
    );
  } catch (err) {
    channel.close();
    throw err;
  }
  return channel;
}
