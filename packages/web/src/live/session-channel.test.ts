import type { ChannelServerMessage } from "@observer/protocol";
import { CLOSE_CODES } from "@observer/protocol";
import { describe, expect, it, vi } from "vitest";
import { reconnectDelay } from "./backoff.ts";
import { FakeSocket, flush, refreshingToken, withFakeSockets } from "./fake-socket.ts";
import { type ChannelStatus, SessionChannel } from "./session-channel.ts";

const SESSION = "9c1d1e4e-0000-4000-8000-000000000001";

const latest = () => FakeSocket.latest();

function start(token: (force: boolean) => Promise<string | null> = async () => "t1") {
  const messages: ChannelServerMessage[] = [];
  const statuses: ChannelStatus[] = [];
  const channel = new SessionChannel({
    baseUrl: "ws://host",
    sessionId: SESSION,
    token,
    onMessage: (m) => messages.push(m),
    onStatus: (s) => statuses.push(s),
    WebSocketImpl: FakeSocket.Impl,
  });
  return { channel, messages, statuses };
}

withFakeSockets();

describe("SessionChannel", () => {
  it("authenticates first, then hands over valid messages only", async () => {
    const { channel, messages, statuses } = start();
    await flush();
    expect(latest().url).toBe(`ws://host/api/sessions/${SESSION}/channel`);
    latest().open();
    expect(latest().sent.map((s) => JSON.parse(s))).toEqual([{ type: "auth", token: "t1" }]);
    latest().serverSends({ type: "ready", role: "student", roster: [] });
    latest().serverSends("not json");
    latest().serverSends({ type: "presence", userId: "nope", online: true });
    latest().serverSends({ type: "session_ended", endedAt: "2025-01-01T00:00:00Z" });
    expect(messages.map((m) => m.type)).toEqual(["ready", "session_ended"]);
    expect(statuses).toEqual(["open"]);
    channel.dispose();
    expect(latest().closedWith).toBe(1000);
  });

  it("answers the server's liveness probe with a pong, without handing it over", async () => {
    const { channel, messages } = start();
    await flush();
    latest().open();
    latest().serverSends({ type: "ready", role: "student", roster: [] });
    latest().serverSends({ type: "ping" });
    expect(latest().messages()).toEqual([{ type: "auth", token: "t1" }, { type: "pong" }]);
    expect(messages.map((m) => m.type)).toEqual(["ready"]);
    channel.dispose();
  });

  it("reconnects with backoff after a drop, with a refreshed token after 4401", async () => {
    const token = refreshingToken("t1");
    const { channel, statuses } = start(token);
    await flush();
    latest().open();
    latest().serverCloses(1006);
    expect(statuses.at(-1)).toBe("offline");
    await vi.advanceTimersByTimeAsync(reconnectDelay(0, { random: () => 1 }));
    expect(FakeSocket.all).toHaveLength(2);
    latest().open();
    latest().serverCloses(CLOSE_CODES.unauthorized);
    await vi.advanceTimersByTimeAsync(reconnectDelay(1, { random: () => 1 }));
    expect(FakeSocket.all).toHaveLength(3);
    latest().open();
    expect(JSON.parse(latest().sent[0] ?? "{}")).toEqual({ type: "auth", token: "fresh" });
    expect(token.mock.calls).toEqual([[false], [false], [true]]);
    channel.dispose();
  });

  it("refreshes once after 4401, and stops when the refreshed token is refused too", async () => {
    const token = refreshingToken("t1");
    const { channel, statuses } = start(token);
    await flush();
    latest().open();
    latest().serverCloses(CLOSE_CODES.unauthorized);
    await vi.advanceTimersByTimeAsync(reconnectDelay(0, { random: () => 1 }));
    expect(FakeSocket.all).toHaveLength(2);
    latest().open();
    latest().serverCloses(CLOSE_CODES.unauthorized);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(2);
    expect(token.mock.calls).toEqual([[false], [true]]);
    expect(statuses.at(-1)).toBe("refused");
    channel.dispose();
  });

  it("stops for good when refused (4403) or when the login is gone", async () => {
    const refused = start();
    await flush();
    latest().open();
    latest().serverCloses(CLOSE_CODES.forbidden);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(refused.statuses.at(-1)).toBe("refused");
    refused.channel.dispose();

    const loggedOut = start(async () => null);
    await flush();
    expect(FakeSocket.all).toHaveLength(1);
    expect(loggedOut.statuses.at(-1)).toBe("refused");
    loggedOut.channel.dispose();
  });

  it("calls nothing back after dispose", async () => {
    const { channel, messages } = start();
    await flush();
    latest().open();
    channel.dispose();
    latest().serverSends({ type: "ready", role: "student", roster: [] });
    latest().serverCloses(1006);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(messages).toEqual([]);
    expect(FakeSocket.all).toHaveLength(1);
  });
});
