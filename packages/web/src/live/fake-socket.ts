import { afterEach, beforeEach, vi } from "vitest";
import type { WebSocketLike } from "./authenticated-socket.ts";

/**
 * The one harness of the unit tests of the live connections (authenticated socket, session
 * channel, run terminal, collab revocation): a scripted stand-in for the browser's WebSocket.
 */
export class FakeSocket {
  static all: FakeSocket[] = [];
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readyState = 0;
  sent: string[] = [];
  closedWith: number | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close(code: number) {
    this.closedWith = code;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  /** What the client sent, parsed. */
  messages(): unknown[] {
    return this.sent.map((s) => JSON.parse(s));
  }
  serverSends(message: unknown) {
    this.onmessage?.({ data: typeof message === "string" ? message : JSON.stringify(message) });
  }
  serverCloses(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  static latest(): FakeSocket {
    const socket = FakeSocket.all.at(-1);
    if (!socket) throw new Error("no socket was opened");
    return socket;
  }
  static readonly Impl = FakeSocket as unknown as WebSocketLike;
}

/**
 * For the test file that calls it: fake timers, a fresh `FakeSocket.all`, and a `window`
 * that can say "online" (`goOnline()`) for each test.
 */
export function withFakeSockets(): void {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal("window", new EventTarget());
    FakeSocket.all = [];
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });
}

/** The browser says the network is back (needs `withFakeSockets()`). */
export function goOnline(): void {
  window.dispatchEvent(new Event("online"));
}

/** Runs what is due now: awaited tokens, zero-delay timers. */
export const flush = () => vi.advanceTimersByTimeAsync(0);

/** A token source that hands out "fresh" when asked to refresh and `stale` otherwise; its calls are recorded. */
export function refreshingToken(stale = "stale") {
  return vi.fn(async (force: boolean): Promise<string | null> => (force ? "fresh" : stale));
}
