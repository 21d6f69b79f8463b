import { describe, expect, it } from "vitest";
import { MemoryLoginThrottle } from "./login-throttle.ts";

describe("MemoryLoginThrottle", () => {
  it("blocks an account after the maximum failures, per account, and a reset clears it", async () => {
    const throttle = new MemoryLoginThrottle(3);
    for (let i = 0; i < 3; i++) {
      expect(await throttle.isBlocked("a@x.org")).toBe(false);
      await throttle.recordFailure("a@x.org");
    }
    expect(await throttle.isBlocked("a@x.org")).toBe(true);
    expect(await throttle.isBlocked("b@x.org")).toBe(false);
    await throttle.reset("a@x.org");
    expect(await throttle.isBlocked("a@x.org")).toBe(false);
  });

  it("forgets failures when the window has passed", async () => {
    const throttle = new MemoryLoginThrottle(1, 30);
    await throttle.recordFailure("a@x.org");
    expect(await throttle.isBlocked("a@x.org")).toBe(true);
    await new Promise((r) => setTimeout(r, 40));
    expect(await throttle.isBlocked("a@x.org")).toBe(false);
  });
});
