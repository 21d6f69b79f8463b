import type { IncomingMessage } from "node:http";
import { HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { WebSocket } from "ws";
import { collabUrl, type DocClient, openDoc } from "../collab-client.ts";
import type { FaultDatabase } from "./cluster.ts";

/**
 * One student typing into their document, and what we know of its connection: every
 * character it inserted (in order, at the end: a single writer, so the server's text is
 * always a prefix of it), and when its provider last lost and regained its server.
 */
export interface Typist {
  userId: string;
  client: DocClient;
  typed: string;
  /** Times its socket closed. */
  closes: number;
  /** Date.now() of the last close, and of the first sync after it (null while not synced again). */
  closedAt: number | null;
  resyncedAt: number | null;
  /** Its socket's local port now (to ask the balancer which instance it reached); null while closed. */
  localPort(): number | null;
  /** Closes the document and its socket. */
  destroy(): void;
}

/**
 * Opens a student's document on its own socket (as a browser tab does), reconnecting after
 * 50 to 500 ms like the test clients of collab-client.ts, and watches its connection.
 */
export function openTypist(httpUrl: string, props: { userId: string; name: string; token: string }): Typist {
  let port: number | null = null;
  /** ws with the local port of each connection recorded (the provider opens a new one per reconnect). */
  class PortedWebSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      this.on("upgrade", (response: IncomingMessage) => {
        port = response.socket.localPort ?? null;
      });
      this.on("close", () => {
        port = null;
      });
    }
  }
  const socket = new HocuspocusProviderWebsocket({
    url: collabUrl(httpUrl),
    WebSocketPolyfill: PortedWebSocket,
    delay: 50,
    minDelay: 50,
    maxDelay: 500,
    factor: 1.5,
  });
  const client = openDoc(httpUrl, { name: props.name, token: props.token, socket });
  const t: Typist = {
    userId: props.userId,
    client,
    typed: "",
    closes: 0,
    closedAt: null,
    resyncedAt: null,
    localPort: () => port,
    destroy() {
      client.destroy();
      socket.destroy();
    },
  };
  client.provider.on("close", () => {
    t.closes += 1;
    t.closedAt = Date.now();
    t.resyncedAt = null;
  });
  client.provider.on("synced", () => {
    if (t.closedAt !== null && t.resyncedAt === null) t.resyncedAt = Date.now();
  });
  return t;
}

/** Characters typed in turn: a lost, doubled or reordered keystroke shows in the text. */
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Every typist inserts one character every `everyMs`, until `stop()`. */
export function startTyping(
  typists: readonly Typist[],
  everyMs = 50,
): { stop(): void; keystrokes(): number } {
  let keystrokes = 0;
  const timer = setInterval(() => {
    for (const t of typists) {
      const char = ALPHABET[t.typed.length % ALPHABET.length] as string;
      t.client.code.insert(t.client.code.length, char);
      t.typed += char;
      keystrokes += 1;
    }
  }, everyMs);
  return { stop: () => clearInterval(timer), keystrokes: () => keystrokes };
}

/** Length of the longest common prefix of two strings. */
export function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Keystrokes of a typist not in `text`: everything after the first difference. */
export const lostFrom = (t: Typist, text: string | null) =>
  t.typed.length - commonPrefix(t.typed, text ?? "");

/** Resolves once every provider is connected and has had each of its changes answered by its server. */
export async function waitAcknowledged(typists: readonly Typist[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = () =>
    typists.filter((t) => !t.client.provider.synced || t.client.provider.hasUnsyncedChanges);
  while (pending().length > 0) {
    if (Date.now() > deadline)
      throw new Error(`${pending().length} providers still have changes the server has not answered`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Polls the database until every typist's stored code is what they typed, or `timeoutMs`
 * passes. Returns the keystrokes still missing per typist at the end (all 0 on success).
 */
export async function waitStored(
  database: FaultDatabase,
  sessionId: string,
  typists: readonly Typist[],
  timeoutMs: number,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = await database.storedCodes(
      sessionId,
      typists.map((t) => t.userId),
    );
    // A stored text longer than what was typed (a keystroke doubled) is wrong too: counted as one lost.
    const lost = typists.map((t) => {
      const text = stored.get(t.userId) ?? null;
      return text === t.typed ? 0 : Math.max(1, lostFrom(t, text));
    });
    if (lost.every((n) => n === 0) || Date.now() > deadline) return lost;
    await new Promise((r) => setTimeout(r, 100));
  }
}
