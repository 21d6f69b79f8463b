import { CLOSE_CODES } from "@observer/protocol";
import { describe, expect, it, vi } from "vitest";
import { AuthenticatedSocket, type SocketRefusal } from "./authenticated-socket.ts";
import { reconnectDelay } from "./backoff.ts";
import { FakeSocket, flush, goOnline, refreshingToken, withFakeSockets } from "./fake-socket.ts";

const latest = () => FakeSocket.latest();
/** The longest first backoff step (jitter at its maximum). */
const FIRST_STEP = reconnectDelay(0, { random: () => 1 });

function start(
  token: (force: boolean) => Promise<string | null> = async () => "t1",
  alsoRefusedOn: readonly "notFound"[] = [],
) {
  const seen = { events: [] as string[], data: [] as unknown[], refusals: [] as SocketRefusal[] };
  const socket = new AuthenticatedSocket({
    url: "ws://host/api/somewhere",
    token,
    alsoRefusedOn,
    onConnecting: () => seen.events.push("connecting"),
    onOpen: () => seen.events.push("open"),
    onMessage: (data) => seen.data.push(data),
    onClose: () => seen.events.push("close"),
    onWaiting: () => seen.events.push("waiting"),
    onRefused: (reason) => seen.refusals.push(reason),
    WebSocketImpl: FakeSocket.Impl,
  });
  return { socket, seen };
}

withFakeSockets();

describe("AuthenticatedSocket", () => {
  it("sends the auth message first, then what it is given, and hands on the server's data", async () => {
    const { socket, seen } = start();
    socket.send({ type: "early" });
    await flush();
    expect(latest().url).toBe("ws://host/api/somewhere");
    expect(socket.open).toBe(false);
    latest().open();
    socket.send({ type: "hello" });
    latest().serverSends({ type: "anything" });
    expect(latest().messages()).toEqual([{ type: "auth", token: "t1" }, { type: "hello" }]);
    expect(seen.data).toEqual([JSON.stringify({ type: "anything" })]);
    expect(seen.events).toEqual(["connecting", "open"]);
    socket.dispose();
  });

  it("retries after its token could not be fetched (the API is unreachable)", async () => {
    let fail = true;
    const { socket, seen } = start(async () => {
      if (fail) throw new Error("network");
      return "t1";
    });
    await flush();
    expect(FakeSocket.all).toHaveLength(0);
    expect(seen.events).toEqual(["connecting", "waiting"]);
    fail = false;
    await vi.advanceTimersByTimeAsync(FIRST_STEP);
    expect(FakeSocket.all).toHaveLength(1);
    socket.dispose();
  });

  it("reconnects at once when the browser comes back online, not at the next backoff step", async () => {
    const { socket } = start();
    await flush();
    latest().open();
    latest().serverCloses(1006);
    await flush();
    expect(FakeSocket.all).toHaveLength(1);
    goOnline();
    await flush();
    expect(FakeSocket.all).toHaveLength(2);
    // Online again while a socket is there: nothing more.
    goOnline();
    await flush();
    expect(FakeSocket.all).toHaveLength(2);
    socket.dispose();
    goOnline();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("backs off longer after each failed attempt and starts over once accepted", async () => {
    const { socket } = start();
    await flush();
    for (const attempt of [0, 1, 2]) {
      latest().serverCloses(1006);
      const before = FakeSocket.all.length;
      await vi.advanceTimersByTimeAsync(reconnectDelay(attempt, { random: () => 0 }) - 1);
      expect(FakeSocket.all).toHaveLength(before);
      await vi.advanceTimersByTimeAsync(reconnectDelay(attempt, { random: () => 1 }));
      expect(FakeSocket.all).toHaveLength(before + 1);
    }
    latest().open();
    socket.accepted();
    latest().serverCloses(1006);
    await vi.advanceTimersByTimeAsync(FIRST_STEP);
    expect(FakeSocket.all).toHaveLength(5);
    socket.dispose();
  });

  it("may refresh the token again after the refreshed one was accepted", async () => {
    const token = refreshingToken();
    const { socket, seen } = start(token);
    await flush();
    latest().open();
    latest().serverCloses(CLOSE_CODES.unauthorized);
    await vi.advanceTimersByTimeAsync(FIRST_STEP);
    latest().open();
    socket.accepted();
    latest().serverCloses(CLOSE_CODES.unauthorized);
    await vi.advanceTimersByTimeAsync(FIRST_STEP);
    expect(FakeSocket.all).toHaveLength(3);
    expect(token.mock.calls).toEqual([[false], [true], [true]]);
    expect(seen.refusals).toEqual([]);
    socket.dispose();
  });

  it("ends for good on 4403 and on the codes it is told, once, with the refusal's name", async () => {
    const plain = start();
    await flush();
    latest().open();
    latest().serverCloses(CLOSE_CODES.notFound);
    await vi.advanceTimersByTimeAsync(FIRST_STEP);
    expect(FakeSocket.all).toHaveLength(2);
    latest().serverCloses(CLOSE_CODES.forbidden);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(plain.seen.refusals).toEqual(["forbidden"]);
    expect(plain.socket.ended).toBe(true);
    expect(FakeSocket.all).toHaveLength(2);

    const run = start(undefined, ["notFound"]);
    await flush();
    latest().open();
    latest().serverCloses(CLOSE_CODES.notFound);
    run.socket.dispose();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(run.seen.refusals).toEqual(["notFound"]);
    expect(run.seen.events).toEqual(["connecting", "open", "close"]);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it("closes a socket disposed while it was still opening as soon as it opens", async () => {
    const { socket, seen } = start();
    await flush();
    const opening = latest();
    socket.dispose();
    socket.dispose();
    expect(opening.closedWith).toBeNull();
    opening.open();
    expect(opening.closedWith).toBe(1000);
    expect(opening.sent).toEqual([]);
    expect(seen.events).toEqual(["connecting"]);
  });
});
