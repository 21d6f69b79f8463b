import type { Hand } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { HelpQueue, isNotOlder } from "./help-queue.ts";

let counter = 0;
function hand(overrides: Partial<Hand> = {}): Hand {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, "0")}`,
    sessionId: "00000000-0000-4000-8000-aaaaaaaaaaaa",
    userId: `10000000-0000-4000-8000-${String(counter).padStart(12, "0")}`,
    name: `Student ${counter}`,
    message: "",
    line: null,
    status: "waiting",
    position: 1,
    helperName: null,
    createdAt: `2026-12-02T10:00:${String(counter % 60).padStart(2, "0")}.000Z`,
    claimedAt: null,
    resolvedAt: null,
    ...overrides,
  };
}

describe("isNotOlder", () => {
  it("lets a hand move forward and up the queue, never back", () => {
    const waiting = hand({ position: 3 });
    expect(isNotOlder({ ...waiting, position: 2 }, waiting)).toBe(true);
    expect(isNotOlder({ ...waiting, position: 4 }, waiting)).toBe(false);
    const helping = {
      ...waiting,
      status: "helping" as const,
      position: null,
      claimedAt: "2026-12-02T10:05:00Z",
    };
    expect(isNotOlder(helping, waiting)).toBe(true);
    expect(isNotOlder(waiting, helping)).toBe(false);
    expect(isNotOlder({ ...waiting, message: "new words" }, waiting)).toBe(true);
  });
});

describe("HelpQueue", () => {
  it("orders waiting hands by place, then the ones being helped", () => {
    const queue = new HelpQueue();
    const second = hand({ position: 2 });
    const first = hand({ position: 1 });
    const helped = hand({ status: "helping", position: null, claimedAt: "2026-12-02T10:01:00Z" });
    queue.load([helped, second, first]);
    expect(queue.getSnapshot().map((h) => h.id)).toEqual([first.id, second.id, helped.id]);
    expect(queue.handOf(second.userId)?.position).toBe(2);
  });

  it("drops a resolved hand and never brings it back from an older list", () => {
    const queue = new HelpQueue();
    const raised = hand();
    queue.apply(raised);
    queue.apply({ ...raised, status: "resolved", position: null, resolvedAt: "2026-12-02T10:09:00Z" });
    expect(queue.getSnapshot()).toEqual([]);
    queue.load([raised]);
    expect(queue.getSnapshot()).toEqual([]);
    expect(queue.handOf(raised.userId)).toBeNull();
  });

  it("keeps news from the channel over a list loaded before it", () => {
    const queue = new HelpQueue();
    const raised = hand({ position: 3 });
    queue.apply({ ...raised, position: 1 });
    queue.load([raised]);
    expect(queue.handOf(raised.userId)?.position).toBe(1);
  });

  it("forgets hands a fresh list no longer names, and tells its listeners", () => {
    const queue = new HelpQueue();
    let calls = 0;
    const unsubscribe = queue.subscribe(() => {
      calls += 1;
    });
    queue.load([hand(), hand({ position: 2 })]);
    queue.load([]);
    unsubscribe();
    queue.apply(hand());
    expect(calls).toBe(2);
    expect(queue.getSnapshot().length).toBe(1);
  });
});
