import { describe, expect, it } from "vitest";
import { advance, formatOffset, offsetWords } from "./playback-clock.ts";

describe("playback clock", () => {
  it("says how far into the session a moment is", () => {
    expect(formatOffset(0)).toBe("+0:00");
    expect(formatOffset(750_999)).toBe("+12:30");
    expect(formatOffset(3_723_000)).toBe("+1:02:03");
    expect(formatOffset(-5000)).toBe("+0:00");
    expect(offsetWords(750_000)).toBe("12 min 30 s into the session");
    expect(offsetWords(3_600_000)).toBe("1 h 0 s into the session");
  });

  it("moves at the chosen speed and stops at the end", () => {
    expect(advance(1000, 500, 4, 10_000)).toEqual({ time: 3000, ended: false });
    expect(advance(9000, 500, 16, 10_000)).toEqual({ time: 10_000, ended: true });
    expect(advance(1000, -20, 1, 10_000)).toEqual({ time: 1000, ended: false });
  });
});
