import type { PlaybackFrame, TextOp } from "./history.ts";
import type { Language } from "./languages.ts";

/** Applies a text delta (see `textOpSchema`) to a text. */
export function applyTextOps(text: string, ops: readonly TextOp[]): string {
  const parts: string[] = [];
  let pos = 0;
  for (const op of ops) {
    if (typeof op === "string") parts.push(op);
    else if (op > 0) {
      parts.push(text.slice(pos, pos + op));
      pos += op;
    } else pos -= op;
  }
  parts.push(text.slice(pos));
  return parts.join("");
}

/** A moment of the tape: the code and language after a frame (index -1: before the first). */
export interface TapeMoment {
  index: number;
  code: string;
  language: Language;
}

/** Frames between two kept copies of the code. */
const KEYFRAME_EVERY = 32;

/**
 * A document's saved moments, ready for scrubbing: the code after any frame is rebuilt from the
 * nearest kept copy before it (one every KEYFRAME_EVERY frames, made once when the tape is
 * built), never from the start, so a step costs at most KEYFRAME_EVERY small deltas whatever
 * the history's length. Frame times are in milliseconds, in order.
 */
export class PlaybackTape {
  readonly times: readonly number[];
  private readonly keyframes: { code: string; language: Language }[] = [];
  private last: TapeMoment;

  constructor(
    private readonly frames: readonly PlaybackFrame[],
    private readonly initialLanguage: Language,
  ) {
    this.times = frames.map((f) => Date.parse(f.at));
    let code = "";
    let language = initialLanguage;
    frames.forEach((frame, i) => {
      if (i % KEYFRAME_EVERY === 0) this.keyframes.push({ code, language });
      code = applyTextOps(code, frame.ops);
      language = frame.language ?? language;
    });
    this.last = { index: -1, code: "", language: initialLanguage };
  }

  get length(): number {
    return this.frames.length;
  }

  /** The index of the last frame at or before `time` (ms), or -1 when none is. */
  indexAt(time: number): number {
    let lo = 0;
    let hi = this.times.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.times[mid] as number) <= time) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The code after frame `index` (-1: before the first frame). */
  momentAfter(index: number): TapeMoment {
    const target = Math.max(-1, Math.min(index, this.frames.length - 1));
    if (target === this.last.index) return this.last;
    if (target < 0) {
      this.last = { index: -1, code: "", language: this.initialLanguage };
      return this.last;
    }
    // Onwards from the last moment when it is close before; else from the kept copy before.
    const slot = Math.floor(target / KEYFRAME_EVERY);
    let from: TapeMoment;
    if (this.last.index < target && this.last.index >= slot * KEYFRAME_EVERY) from = this.last;
    else {
      const kept = this.keyframes[slot] as { code: string; language: Language };
      from = { index: slot * KEYFRAME_EVERY - 1, ...kept };
    }
    let { code, language } = from;
    for (let i = from.index + 1; i <= target; i++) {
      const frame = this.frames[i] as PlaybackFrame;
      code = applyTextOps(code, frame.ops);
      language = frame.language ?? language;
    }
    this.last = { index: target, code, language };
    return this.last;
  }

  /** The code as it was at `time` (ms): after the last frame at or before it. */
  momentAt(time: number): TapeMoment {
    return this.momentAfter(this.indexAt(time));
  }
}
