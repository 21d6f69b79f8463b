/**
 * Terminal output as plain text, for places that show it without a terminal (a dashboard
 * tile). Escape sequences go; carriage returns and backspaces are applied the way a terminal
 * would show them, line by line.
 */

// CSI (`ESC [ … final`), OSC (`ESC ] … BEL` or `ESC ] … ESC \`), DCS/SOS/PM/APC strings,
// two-character escapes (`ESC 7`, `ESC (B`), and the 8-bit CSI.
const ESCAPES =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u001b[ -/]*[0-~]?/g;
// Control characters a reader never sees (tab and newline stay; CR and BS are handled below).
const INVISIBLE = /[\u0000-\u0007\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** Removes ANSI escape sequences and invisible control characters; keeps `\n`, `\r`, `\t`, `\b`. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPES, "").replace(INVISIBLE, "");
}

/** One line as a terminal shows it: `\r` returns to the start (overwriting), `\b` steps back. */
function renderLine(line: string): string {
  if (!line.includes("\r") && !line.includes("\b")) return line;
  const cells: string[] = [];
  let column = 0;
  for (const char of line) {
    if (char === "\r") column = 0;
    else if (char === "\b") column = Math.max(0, column - 1);
    else {
      cells[column] = char;
      column++;
    }
  }
  return cells.join("");
}

/** Terminal output as the lines a reader would see (escape codes stripped, `\r\n` as `\n`). */
export function plainLines(output: string): string[] {
  const plain = stripAnsi(output).replace(/\r+\n/g, "\n");
  return plain.split("\n").map(renderLine);
}

/**
 * The last `count` lines of terminal output, as plain text, without trailing blank lines:
 * what a tile shows of a run.
 */
export function tailLines(output: string, count: number): string[] {
  const lines = plainLines(output);
  while (lines.length > 0 && (lines.at(-1) ?? "").trim() === "") lines.pop();
  return lines.slice(-count);
}

/** A compiler's first complaint ("main.c:4:19: error: …", "error[E0308]", "SyntaxError"). */
const FIRST_ERROR = /\berror\b|Error:/i;

/**
 * The lines a dashboard tile shows of a run: for a failed compile the compiler's first error
 * and what follows (the tail is mostly the caret and context lines), else the last lines.
 */
export function runPreviewLines(
  run: { tail: string; phase: "compile" | "run" | null; exitCode: number | null; status: string },
  count: number,
): string[] {
  const compileFailed = run.status === "finished" && run.phase === "compile" && run.exitCode !== 0;
  if (compileFailed) {
    const lines = plainLines(run.tail);
    const first = lines.findIndex((line) => FIRST_ERROR.test(line));
    if (first >= 0)
      return lines.slice(first, first + count).filter((line, i) => i === 0 || line.trim() !== "");
  }
  return tailLines(run.tail, count);
}
