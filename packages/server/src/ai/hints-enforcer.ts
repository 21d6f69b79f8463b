/** Lines of one code block a hints-mode answer may show; the rest of the block is cut. */
export const HINT_BLOCK_LINES = 4;
/** Characters of one code block a hints-mode answer may show (one long line is code too). */
export const HINT_BLOCK_CHARS = 300;
/** Code lines of all blocks of one answer together. */
export const HINT_TOTAL_LINES = 8;

/** Added after a code block that was cut. */
export const CUT_NOTE =
  "\n_(Hints mode: the rest of this code was left out. Try writing it yourself; ask again about the step you are stuck on.)_\n";

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
/** A line start that may still become a fence as more text comes. */
const FENCE_PREFIX = /^ {0,3}(`{0,2}|~{0,2})$/;

/**
 * Hints mode's enforcement on the answer as it streams: fenced code blocks (``` or ~~~) are
 * cut past `HINT_BLOCK_LINES` lines or `HINT_BLOCK_CHARS` characters, and past
 * `HINT_TOTAL_LINES` code lines in the whole answer; a cut block is closed and followed by
 * `CUT_NOTE`. Works across chunk boundaries: a line that may open or close a fence, and
 * every line inside a block, is held until it is complete, so the output is the same however
 * the text is split. Text outside blocks passes at once. `cut` says whether anything was cut.
 */
export class HintsEnforcer {
  cut = false;
  private pending = "";
  /** `pending` starts at the beginning of a line. */
  private lineStart = true;
  private fence: string | null = null;
  private blockLines = 0;
  private blockChars = 0;
  private totalLines = 0;
  private cutting = false;

  /** Takes the next piece of the answer; returns what the student may see of it now. */
  push(text: string): string {
    this.pending += text;
    let out = "";
    for (;;) {
      const newline = this.pending.indexOf("\n");
      if (newline === -1) {
        if (this.fence === null && !(this.lineStart && mayBeFence(this.pending))) {
          out += this.pending;
          if (this.pending !== "") this.lineStart = false;
          this.pending = "";
        }
        return out;
      }
      const line = this.pending.slice(0, newline + 1);
      this.pending = this.pending.slice(newline + 1);
      out += this.fence === null ? this.outside(line) : this.inside(line);
      this.lineStart = true;
    }
  }

  /** The answer ended: whatever was held, and the close of a block that was cut. */
  end(): string {
    const rest = this.pending;
    this.pending = "";
    if (this.fence === null) return rest;
    let out = rest === "" ? "" : this.codeLine(rest);
    if (this.cutting) out += `${out.endsWith("\n") || out === "" ? "" : "\n"}${this.fence}\n${CUT_NOTE}`;
    return out;
  }

  private outside(line: string): string {
    const open = this.lineStart ? FENCE_OPEN.exec(line) : null;
    if (open) {
      this.fence = open[1] as string;
      this.blockLines = 0;
      this.blockChars = 0;
      this.cutting = false;
    }
    return line;
  }

  private inside(line: string): string {
    const fence = this.fence as string;
    const close = new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    if (close.test(line)) {
      this.fence = null;
      return this.cutting ? `${line}${CUT_NOTE}` : line;
    }
    return this.codeLine(line);
  }

  private codeLine(line: string): string {
    if (this.cutting) return "";
    this.blockLines += 1;
    this.totalLines += 1;
    this.blockChars += line.length;
    if (
      this.blockLines > HINT_BLOCK_LINES ||
      this.blockChars > HINT_BLOCK_CHARS ||
      this.totalLines > HINT_TOTAL_LINES
    ) {
      this.cutting = true;
      this.cut = true;
      return "";
    }
    return line;
  }
}

const mayBeFence = (partial: string) => FENCE_PREFIX.test(partial) || FENCE_OPEN.test(partial);
