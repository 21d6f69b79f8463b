import { describe, expect, it } from "vitest";
import { reconnectDelay } from "./backoff.ts";

describe("reconnectDelay", () => {
  it("grows exponentially up to the cap, with jitter between half and all of it", () => {
    expect(reconnectDelay(0, { random: () => 0 })).toBe(250);
    expect(reconnectDelay(0, { random: () => 1 })).toBe(500);
    expect(reconnectDelay(3, { random: () => 1 })).toBe(4000);
    expect(reconnectDelay(30, { random: () => 1 })).toBe(10_000);
    expect(reconnectDelay(30, { random: () => 0 })).toBe(5000);
  });
});
