import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { FakeSocket } from "./fake-socket.ts";
import { stopWhenRevoked } from "./revoked-socket.ts";

/** The fake socket with the listener API the Hocuspocus provider uses. */
class ListenedSocket extends FakeSocket {
  binaryType = "";
  private listeners = new Map<string, Set<(event: unknown) => void>>();
  addEventListener(name: string, listener: (event: unknown) => void) {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener);
    this.listeners.set(name, set);
  }
  removeEventListener(name: string, listener: (event: unknown) => void) {
    this.listeners.get(name)?.delete(listener);
  }
  override open() {
    super.open();
    for (const listener of this.listeners.get("open") ?? []) listener({});
  }
  override serverCloses(code: number) {
    super.serverCloses(code);
    for (const listener of this.listeners.get("close") ?? []) listener({ code, reason: "" });
  }
}

function start(token: (force: boolean) => Promise<string>) {
  let force = false;
  const revoked: number[] = [];
  const socket = new HocuspocusProviderWebsocket({
    url: "ws://host/collab",
    WebSocketPolyfill: ListenedSocket as unknown as typeof WebSocket,
    autoConnect: false,
    delay: 500,
    minDelay: 500,
    maxDelay: 10_000,
    factor: 2,
  });
  const provider = new HocuspocusProvider({
    websocketProvider: socket,
    name: "sessions/a/students/b",
    document: new Y.Doc(),
    token: () => {
      const forced = force;
      force = false;
      return token(forced);
    },
  });
  const stop = stopWhenRevoked(socket, provider, {
    refresh: () => {
      force = true;
    },
    onRevoked: (code) => revoked.push(code),
  });
  provider.attach();
  void socket.connect();
  const dispose = () => {
    stop();
    provider.destroy();
    socket.destroy();
  };
  return { revoked, dispose };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
});
afterEach(() => vi.useRealTimers());

describe("stopWhenRevoked", () => {
  it("keeps reconnecting after an ordinary drop (1006)", async () => {
    const { revoked, dispose } = start(async () => "t");
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.latest().open();
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.latest().serverCloses(1006);
    await vi.advanceTimersByTimeAsync(5000);
    expect(FakeSocket.all.length).toBeGreaterThan(1);
    expect(revoked).toEqual([]);
    dispose();
  });

  it("stops the reconnect loop on 4403", async () => {
    const { revoked, dispose } = start(async () => "t");
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.latest().open();
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.latest().serverCloses(4403);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(revoked).toEqual([4403]);
    dispose();
  });

  it("after 4401 reconnects once with a refreshed token, and stops on a second 4401", async () => {
    const asked: boolean[] = [];
    const { revoked, dispose } = start(async (force) => {
      asked.push(force);
      return force ? "fresh" : "stale";
    });
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.latest().open();
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.latest().serverCloses(4401);
    await vi.advanceTimersByTimeAsync(2000);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.latest().open();
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toEqual([false, true]);
    FakeSocket.latest().serverCloses(4401);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(2);
    expect(revoked).toEqual([4401]);
    dispose();
  });
});
