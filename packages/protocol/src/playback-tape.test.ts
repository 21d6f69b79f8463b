import { describe, expect, it } from "vitest";
import type { PlaybackFrame } from "./history.ts";
import { applyTextOps, PlaybackTape } from "./playback-tape.ts";

/** A random but repeatable history: inserts and deletes at random places, a language change. */
function randomFrames(count: number, seed = 7): { frames: PlaybackFrame[]; codes: string[] } {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const frames: PlaybackFrame[] = [];
  const codes: string[] = [];
  let code = "";
  for (let i = 0; i < count; i++) {
    const at = random() * code.length;
    const pos = Math.floor(at);
    const ops: (number | string)[] = pos > 0 ? [pos] : [];
    if (random() < 0.3 && code.length - pos > 0) ops.push(-Math.min(3, code.length - pos));
    else ops.push(`x${i}\n`);
    code = applyTextOps(code, ops);
    codes.push(code);
    frames.push({
      at: new Date(1_000_000 + i * 2000).toISOString(),
      ops,
      ...(i === 50 ? { language: "c" } : {}),
    });
  }
  return { frames, codes };
}

describe("applyTextOps", () => {
  it("keeps, deletes and inserts, keeping what follows the last step", () => {
    expect(applyTextOps("hello world", [6, -5, "there"])).toBe("hello there");
    expect(applyTextOps("abc", ["x"])).toBe("xabc");
    expect(applyTextOps("abc", [1, -1])).toBe("ac");
  });
});

describe("PlaybackTape", () => {
  const { frames, codes } = randomFrames(200);
  const tape = new PlaybackTape(frames, "python");

  it("gives the code after every frame, stepping forwards, backwards and jumping", () => {
    const order = [...codes.keys(), ...[...codes.keys()].reverse(), 150, 3, 199, 0, 64, 63, 65, 31, 32];
    for (const i of order) expect(tape.momentAfter(i).code).toBe(codes[i]);
  });

  it("finds the frame at or before a moment, and the language as it was", () => {
    expect(tape.momentAt(0)).toEqual({ index: -1, code: "", language: "python" });
    const time = Date.parse(frames[10]?.at ?? "") + 1999;
    expect(tape.momentAt(time).index).toBe(10);
    expect(tape.momentAfter(49).language).toBe("python");
    expect(tape.momentAfter(50).language).toBe("c");
    expect(tape.momentAfter(120).language).toBe("c");
    expect(tape.momentAt(Date.parse(frames[199]?.at ?? "") + 10_000).code).toBe(codes[199]);
  });
});
