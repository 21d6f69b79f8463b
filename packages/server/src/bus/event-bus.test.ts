import { describe, expect, it } from "vitest";
import { MemoryEventBus } from "./event-bus.ts";

describe("MemoryEventBus", () => {
  it("delivers a copy to every subscriber of the topic only, until unsubscribed", async () => {
    const bus = new MemoryEventBus();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = await bus.subscribe("session:s1", (m) => a.push(m));
    await bus.subscribe("session:s2", (m) => b.push(m));
    const message = { type: "presence", userId: "u1", online: true } as const;
    await bus.publish("session:s1", message);
    await new Promise((r) => setTimeout(r, 0));
    expect(a).toEqual([message]);
    expect(a[0]).not.toBe(message);
    expect(b).toEqual([]);
    await offA();
    await bus.publish("session:s1", message);
    await new Promise((r) => setTimeout(r, 0));
    expect(a).toHaveLength(1);
  });
});
