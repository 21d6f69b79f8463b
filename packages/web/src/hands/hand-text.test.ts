import type { Hand } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { ordinal, ownHandText, waitedText } from "./hand-text.ts";

const base: Hand = {
  id: "00000000-0000-4000-8000-000000000001",
  sessionId: "00000000-0000-4000-8000-000000000002",
  userId: "00000000-0000-4000-8000-000000000003",
  name: "Ada",
  message: "",
  line: null,
  status: "waiting",
  position: 2,
  helperName: null,
  createdAt: "2026-12-02T10:00:00.000Z",
  claimedAt: null,
  resolvedAt: null,
};

describe("hand texts", () => {
  it("names places in English", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
      "1st",
      "2nd",
      "3rd",
      "4th",
      "11th",
      "12th",
      "13th",
      "21st",
      "22nd",
      "23rd",
      "101st",
      "111th",
    ]);
  });

  it("tells a student where their hand stands", () => {
    expect(ownHandText(base)).toBe("Hand raised: 2nd in line");
    expect(ownHandText({ ...base, status: "helping", position: null, helperName: "Ms Rivera" })).toBe(
      "Ms Rivera is coming to help",
    );
  });

  it("says how long a hand has waited", () => {
    const at = Date.parse(base.createdAt);
    expect(waitedText(base.createdAt, at + 20_000)).toBe("just now");
    expect(waitedText(base.createdAt, at + 3 * 60_000 + 5_000)).toBe("3 min");
    expect(waitedText(base.createdAt, at + 65 * 60_000)).toBe("1 h 5 min");
  });
});
