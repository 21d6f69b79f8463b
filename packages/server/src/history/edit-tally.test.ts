import { describe, expect, it } from "vitest";
import { type ChangeFacts, EditTally } from "./edit-tally.ts";

const block = "for (let i = 0; i < values.length; i++) { total += values[i] * weights[i]; }\n".repeat(2);

const change = (facts: Partial<ChangeFacts> & Pick<ChangeFacts, "delta">): ChangeFacts => ({
  catchUp: false,
  textAfter: () => "",
  deletedText: () => "",
  ...facts,
});

describe("EditTally", () => {
  it("counts a long insertion in one change as a paste, and keystrokes as typing", () => {
    const tally = new EditTally();
    expect(tally.count(change({ delta: [{ insert: "a" }] }))).toEqual({ typed: 1, deleted: 0, pastes: [] });
    expect(
      tally.count(change({ delta: [{ retain: 1 }, { insert: block }], textAfter: () => `a${block}` })),
    ).toEqual({
      typed: 0,
      deleted: 0,
      pastes: [block.length],
    });
    // 79 characters at once are still typing (autocomplete, a snippet).
    expect(tally.count(change({ delta: [{ insert: "x".repeat(79) }] })).pastes).toEqual([]);
  });

  it("does not count a catch-up after being offline, text that was just deleted, or a copy of own code", () => {
    const tally = new EditTally();
    expect(tally.count(change({ delta: [{ insert: block }], catchUp: true })).pastes).toEqual([]);
    // Deleted, then back (undo, or cut and paste elsewhere).
    tally.count(change({ delta: [{ delete: block.length }], deletedText: () => block }), 1000);
    expect(tally.count(change({ delta: [{ insert: block }], textAfter: () => block }), 2000).pastes).toEqual(
      [],
    );
    // Long after, the same text coming back is a paste again.
    const later = 2000 + 11 * 60_000;
    expect(tally.count(change({ delta: [{ insert: block }], textAfter: () => block }), later).pastes).toEqual(
      [block.length],
    );
    // Already in the code: a copy of the student's own code.
    const copied = change({
      delta: [{ retain: block.length }, { insert: block }],
      textAfter: () => block + block,
    });
    expect(new EditTally().count(copied).pastes).toEqual([]);
  });

  it("counts deletions", () => {
    expect(
      new EditTally().count(change({ delta: [{ retain: 3 }, { delete: 4 }, { insert: "ab" }] })),
    ).toEqual({
      typed: 2,
      deleted: 4,
      pastes: [],
    });
  });
});
