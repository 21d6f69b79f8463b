import { describe, expect, it } from "vitest";
import { ACCOUNT_CEILING_FACTOR, MemoryLoginThrottle } from "./login-throttle.ts";

describe("MemoryLoginThrottle", () => {
  it("blocks one account from the guessing address only; the owner's address still passes", async () => {
    const throttle = new MemoryLoginThrottle(3);
    for (let i = 0; i < 3; i++) {
      expect(await throttle.isBlocked("a@x.org", "10.0.0.9")).toBe(false);
      await throttle.recordFailure("a@x.org", "10.0.0.9");
    }
    expect(await throttle.isBlocked("a@x.org", "10.0.0.9")).toBe(true);
    expect(await throttle.isBlocked("a@x.org", "192.0.2.1")).toBe(false);
    expect(await throttle.isBlocked("b@x.org", "10.0.0.9")).toBe(false);
    await throttle.recordSuccess("a@x.org", "10.0.0.9");
    expect(await throttle.isBlocked("a@x.org", "10.0.0.9")).toBe(false);
  });

  it("blocks the account everywhere once failures from all addresses reach the ceiling, success or not", async () => {
    const throttle = new MemoryLoginThrottle(2);
    const total = 2 * ACCOUNT_CEILING_FACTOR;
    for (let i = 0; i < total; i++) {
      const address = `10.0.0.${Math.floor(i / 2)}`;
      expect(await throttle.isBlocked("a@x.org", address)).toBe(false);
      await throttle.recordFailure("a@x.org", address);
    }
    expect(await throttle.isBlocked("a@x.org", "192.0.2.1")).toBe(true);
    // The owner logging in elsewhere does not give the guessers a fresh allowance.
    await throttle.recordSuccess("a@x.org", "192.0.2.1");
    expect(await throttle.isBlocked("a@x.org", "10.0.0.200")).toBe(true);
    expect(await throttle.isBlocked("b@x.org", "192.0.2.1")).toBe(false);
  });

  it("forgets failures when the window has passed", async () => {
    const throttle = new MemoryLoginThrottle(1, 30);
    await throttle.recordFailure("a@x.org", "10.0.0.1");
    expect(await throttle.isBlocked("a@x.org", "10.0.0.1")).toBe(true);
    await new Promise((r) => setTimeout(r, 40));
    expect(await throttle.isBlocked("a@x.org", "10.0.0.1")).toBe(false);
  });
});
