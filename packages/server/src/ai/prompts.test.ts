import { describe, expect, it } from "vitest";
import { askPrompt, SYSTEM_PROMPTS } from "./prompts.ts";

describe("prompts", () => {
  it("hints mode forbids solutions; full mode allows corrected code", () => {
    expect(SYSTEM_PROMPTS.hints).toMatch(/Never give a solution/);
    expect(SYSTEM_PROMPTS.hints).toMatch(/never give more than 3 lines of code/);
    expect(SYSTEM_PROMPTS.full).not.toMatch(/Never give a solution/);
  });

  it("puts the student's words first, then the numbered code, its language and the run's output", () => {
    const prompt = askPrompt("question", "Why does it crash?", {
      code: "xs = [1, 2]\nprint(xs[2])",
      language: "python",
      lastRun: { exitCode: 1, failure: "runtime", output: "IndexError: list index out of range\n" },
    });
    const lines = prompt.split("\n");
    expect(lines[0]).toBe("The student asks a question. Their words: Why does it crash?");
    expect(prompt).toContain("Language: Python");
    expect(prompt).toContain("1 | xs = [1, 2]\n2 | print(xs[2])");
    expect(prompt).toContain("it failed (runtime, exit code 1)");
    expect(prompt).toContain("IndexError: list index out of range");
  });

  it("fences code that holds backticks with a longer fence, and says when nothing ran", () => {
    const prompt = askPrompt("hint", "", { code: "s = '```'", language: "javascript", lastRun: null });
    expect(prompt).toContain("````js\n1 | s = '```'\n````");
    expect(prompt).toContain("They have not run their code yet.");
    expect(prompt.split("\n")[0]).toBe("The student asks for a hint on what to do next.");
  });
});
