import pino from "pino";
import { describe, expect, it } from "vitest";
import { MemoryEventBus } from "../bus/event-bus.ts";
import { publishRevocation } from "../bus/revocations.ts";
import { type LiveSocket, LiveSockets } from "./live-sockets.ts";

const log = pino({ level: "silent" });

describe("LiveSockets", () => {
  it("caps the sockets of each user, and frees a place when one leaves", () => {
    const sockets = new LiveSockets(2, log);
    const socket = (): LiveSocket => ({ recheck: async () => {} });
    const [a, b, c] = [socket(), socket(), socket()];
    expect(sockets.add("u1", a, Date.now())).toBe(true);
    expect(sockets.add("u1", b, Date.now())).toBe(true);
    expect(sockets.add("u1", c, Date.now())).toBe(false);
    expect(sockets.add("u2", c, Date.now())).toBe(true);
    sockets.remove("u1", a);
    expect(sockets.add("u1", c, Date.now())).toBe(true);
    expect(sockets.count("u1")).toBe(2);
  });

  it("has every socket of the revoked user re-check, from a revocation heard on the bus", async () => {
    const bus = new MemoryEventBus();
    const sockets = new LiveSockets(20, log);
    await sockets.listen(bus);
    const rechecked: string[] = [];
    sockets.add("u1", { recheck: async () => void rechecked.push("u1 a") }, Date.now());
    sockets.add("u1", { recheck: async () => void rechecked.push("u1 b") }, Date.now());
    sockets.add("u2", { recheck: async () => void rechecked.push("u2") }, Date.now());
    await publishRevocation(bus, { userId: "u1", reason: "logout" });
    await new Promise((r) => setTimeout(r, 0));
    expect(rechecked.sort()).toEqual(["u1 a", "u1 b"]);
  });

  it("re-checks at once a socket admitted with rights read before a revocation it missed", async () => {
    const sockets = new LiveSockets(20, log);
    const readAt = Date.now();
    await sockets.revoke({ userId: "u1", reason: "deactivated" });
    let rechecks = 0;
    sockets.add("u1", { recheck: async () => void rechecks++ }, readAt);
    sockets.add("u1", { recheck: async () => void rechecks++ }, Date.now() + 1);
    expect(rechecks).toBe(1);
  });
});
