import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { CLOSE_CODES } from "@observer/protocol";
import { describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { FakeSocket, flush, withFakeSockets } from "./fake-socket.ts";
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

/** The latest socket opens (the provider authenticates on it), then the server closes it with `code`. */
async function openThenClose(code: number) {
  await flush();
  FakeSocket.latest().open();
  await flush();
  FakeSocket.latest().serverCloses(code);
}

withFakeSockets();

describe("stopWhenRevoked", () => {
  it("keeps reconnecting after an ordinary drop (1006)", async () => {
    const { revoked, dispose } = start(async () => "t");
    await openThenClose(1006);
    await vi.advanceTimersByTimeAsync(5000);
    expect(FakeSocket.all.length).toBeGreaterThan(1);
    expect(revoked).toEqual([]);
    dispose();
  });

  it("stops the reconnect loop on 4403", async () => {
    const { revoked, dispose } = start(async () => "t");
    await openThenClose(CLOSE_CODES.forbidden);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(revoked).toEqual([CLOSE_CODES.forbidden]);
    dispose();
  });

  it("after 4401 reconnects once with a refreshed token, and stops on a second 4401", async () => {
    const asked: boolean[] = [];
    const { revoked, dispose } = start(async (force) => {
      asked.push(force);
      return force ? "fresh" : "stale";
    });
    await openThenClose(CLOSE_CODES.unauthorized);
    await vi.advanceTimersByTimeAsync(2000);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.latest().open();
    await flush();
    expect(asked).toEqual([false, true]);
    FakeSocket.latest().serverCloses(CLOSE_CODES.unauthorized);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(2);
    expect(revoked).toEqual([CLOSE_CODES.unauthorized]);
    dispose();
  });
});
