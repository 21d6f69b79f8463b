import { describe, expect, it } from "vitest";
import { plainLines, runPreviewLines, stripAnsi, tailLines } from "./ansi.ts";

describe("stripAnsi", () => {
  it("removes colours, cursor moves, titles and charset switches", () => {
    expect(stripAnsi("\u001b[1;31merror:\u001b[0m bad")).toBe("error: bad");
    expect(stripAnsi("a\u001b[2K\u001b[1Gb")).toBe("ab");
    expect(stripAnsi("\u001b]0;title\u0007hi")).toBe("hi");
    expect(stripAnsi("\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\")).toBe("link");
    expect(stripAnsi("\u001b(Bok\u001b7")).toBe("ok");
    expect(stripAnsi("\u009b32mgreen")).toBe("green");
  });

  it("keeps text, newlines and tabs, and drops other control characters", () => {
    expect(stripAnsi("a\tb\nc\u0007\u0000d")).toBe("a\tb\ncd");
    expect(stripAnsi("héllo wörld ✓ 你好")).toBe("héllo wörld ✓ 你好");
  });
});

describe("plainLines", () => {
  it("reads \\r\\n as one line break and applies carriage returns and backspaces", () => {
    expect(plainLines("one\r\ntwo\r\n")).toEqual(["one", "two", ""]);
    expect(plainLines("10%\r50%\r100%\r\ndone")).toEqual(["100%", "done"]);
    expect(plainLines("Name? adx\bb\r\n")).toEqual(["Name? adb", ""]);
    expect(plainLines("long line\rXY")).toEqual(["XYng line"]);
  });
});

describe("tailLines", () => {
  it("gives the last lines without the trailing blank ones", () => {
    const output = "\u001b[32mline 1\u001b[0m\r\nline 2\r\nline 3\r\nline 4\r\n\r\n";
    expect(tailLines(output, 3)).toEqual(["line 2", "line 3", "line 4"]);
    expect(tailLines(output, 10)).toEqual(["line 1", "line 2", "line 3", "line 4"]);
  });

  it("gives nothing for output that is empty or only escape codes", () => {
    expect(tailLines("", 3)).toEqual([]);
    expect(tailLines("\u001b[2J\u001b[H\r\n", 3)).toEqual([]);
  });

  it("keeps a prompt without a newline (a program waiting for input)", () => {
    expect(tailLines("Hello\r\nName? ", 2)).toEqual(["Hello", "Name? "]);
  });
});

describe("runPreviewLines", () => {
  const gcc = [
    "main.c: In function ‘main’:",
    "\u001b[01;31m\u001b[Kmain.c:4:19: error:\u001b[m\u001b[K expected ‘;’ before ‘return’",
    '    4 |     printf("hi\\n")',
    "      |                   ^",
    "    5 |     return 0;",
    "",
  ].join("\r\n");

  it("shows a failed compile's first error rather than its last context lines", () => {
    const run = { tail: gcc, phase: "compile" as const, exitCode: 1, status: "finished" };
    expect(runPreviewLines(run, 2)).toEqual([
      "main.c:4:19: error: expected ‘;’ before ‘return’",
      '    4 |     printf("hi\\n")',
    ]);
  });

  it("shows the last lines of a program's output, also when it printed 'error'", () => {
    const run = {
      tail: "error: bad input\r\nline 2\r\nline 3\r\n",
      phase: "run" as const,
      exitCode: 1,
      status: "finished",
    };
    expect(runPreviewLines(run, 2)).toEqual(["line 2", "line 3"]);
  });
});
