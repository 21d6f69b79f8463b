import type { Hand } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { NewHands, newHandsAnnouncement } from "./new-hands.ts";

const hand = (n: number, patch: Partial<Hand> = {}): Hand => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  sessionId: "00000000-0000-4000-8000-000000000100",
  userId: `00000000-0000-4000-8000-00000000020${n}`,
  name: `Student ${n}`,
  message: "",
  line: null,
  status: "waiting",
  position: n,
  helperName: null,
  createdAt: "2026-12-02T10:00:00.000Z",
  claimedAt: null,
  resolvedAt: null,
  ...patch,
});

describe("new hands", () => {
  it("takes the first full list as known and announces only hands raised after it", () => {
    const tracker = new NewHands();
    // Heard on the channel before the list arrived: not judged yet.
    expect(tracker.observe([hand(1)], false)).toEqual([]);
    expect(tracker.observe([hand(1), hand(2)], true)).toEqual([]);
    expect(tracker.observe([hand(1), hand(2), hand(3)], true)).toEqual([hand(3)]);
    // The same hands again (a position moved, a claim): nothing new.
    expect(tracker.observe([hand(2, { position: 1 }), hand(3, { position: 2 })], true)).toEqual([]);
  });

  it("does not announce a hand first seen while someone is already helping", () => {
    const tracker = new NewHands();
    tracker.observe([], true);
    expect(tracker.observe([hand(4, { status: "helping", position: null })], true)).toEqual([]);
    expect(tracker.observe([hand(5)], true)).toEqual([hand(5)]);
  });

  it("words the announcement with the name, the line and the message", () => {
    expect(newHandsAnnouncement([])).toBe("");
    expect(newHandsAnnouncement([hand(1)])).toBe("Student 1 raised a hand.");
    expect(newHandsAnnouncement([hand(1, { line: 3, message: "Why None?" })])).toBe(
      "Student 1 raised a hand about line 3: “Why None?”",
    );
    expect(newHandsAnnouncement([hand(1), hand(2)])).toBe("2 new raised hands: Student 1, Student 2.");
  });
});
