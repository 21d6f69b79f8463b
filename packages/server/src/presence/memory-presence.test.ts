import type { ChannelServerMessage } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { MemoryEventBus } from "../bus/event-bus.ts";
import { sessionTopic } from "../bus/session-events.ts";
import { MemoryPresence } from "./memory-presence.ts";

describe("MemoryPresence", () => {
  it("counts connections: online at the first, offline after the last, one event each", async () => {
    const bus = new MemoryEventBus();
    const events: ChannelServerMessage[] = [];
    await bus.subscribe(sessionTopic("s1"), (m) => events.push(m));
    const presence = new MemoryPresence(bus);
    await presence.connected("s1", "u1");
    await presence.connected("s1", "u1");
    await presence.connected("s2", "u2");
    expect(await presence.onlineUsers("s1")).toEqual(new Set(["u1"]));
    expect(await presence.isOnline("s2", "u1")).toBe(false);
    await presence.disconnected("s1", "u1");
    expect(await presence.isOnline("s1", "u1")).toBe(true);
    await presence.disconnected("s1", "u1");
    await presence.disconnected("s1", "u1");
    expect(await presence.isOnline("s1", "u1")).toBe(false);
    await new Promise((r) => setTimeout(r, 0));
    expect(events).toEqual([
      { type: "presence", userId: "u1", online: true },
      { type: "presence", userId: "u1", online: false },
    ]);
  });

  it("keeps the latest edit per student of a session", async () => {
    const presence = new MemoryPresence(new MemoryEventBus());
    presence.edited("s1", "u1", new Date(2000));
    presence.edited("s1", "u1", new Date(1000));
    presence.edited("s2", "u2", new Date(3000));
    expect(await presence.lastEdits("s1")).toEqual(new Map([["u1", new Date(2000)]]));
  });
});
