import { describe, expect, it } from "vitest";
import { CUT_NOTE, HINT_BLOCK_LINES, HintsEnforcer } from "./hints-enforcer.ts";

/** Runs the enforcer over the text split into pieces of `size` characters. */
function enforce(text: string, size: number): { out: string; cut: boolean } {
  const enforcer = new HintsEnforcer();
  let out = "";
  for (let i = 0; i < text.length; i += size) out += enforcer.push(text.slice(i, i + size));
  out += enforcer.end();
  return { out, cut: enforcer.cut };
}

const solution = Array.from({ length: 30 }, (_, i) => `line_${i} = ${i}`).join("\n");
const answer = `Here it is:\n\n\`\`\`python\n${solution}\n\`\`\`\n\nDone.\n`;

describe("HintsEnforcer", () => {
  it("cuts a long code block past a few lines, closes it and adds the note, however the text is split", () => {
    const expected = `Here it is:\n\n\`\`\`python\n${solution.split("\n").slice(0, HINT_BLOCK_LINES).join("\n")}\n\`\`\`\n${CUT_NOTE}\nDone.\n`;
    for (const size of [1, 2, 3, 5, 7, 13, 64, answer.length]) {
      const { out, cut } = enforce(answer, size);
      expect(out, `pieces of ${size}`).toBe(expected);
      expect(cut).toBe(true);
      expect(out).not.toContain("line_4 = 4");
    }
  });

  it("lets text and short code blocks through unchanged", () => {
    const short =
      "Try this:\n\n```js\nfor (let i = 0; i < n; i++) {\n  sum += i;\n}\n```\nand ``inline`` code, ~~struck~~.\n";
    for (const size of [1, 4, 100]) expect(enforce(short, size)).toEqual({ out: short, cut: false });
  });

  it("passes text outside blocks on at once, holding only a possible fence", () => {
    const enforcer = new HintsEnforcer();
    expect(enforcer.push("Look at")).toBe("Look at");
    expect(enforcer.push(" line 3.\n``")).toBe(" line 3.\n");
    expect(enforcer.push("`py\nx = 1\n")).toBe("```py\nx = 1\n");
  });

  it("closes a cut block the answer never closed", () => {
    const { out, cut } = enforce(`\`\`\`\n${solution}`, 9);
    expect(cut).toBe(true);
    expect(out).toBe(
      `\`\`\`\n${solution.split("\n").slice(0, HINT_BLOCK_LINES).join("\n")}\n\`\`\`\n${CUT_NOTE}`,
    );
  });

  it("cuts one very long line and many small blocks", () => {
    expect(enforce(`\`\`\`\n${"x = 1; ".repeat(80)}\n\`\`\`\n`, 5).cut).toBe(true);
    const blocks = Array.from(
      { length: 4 },
      (_, i) => `\`\`\`\na${i} = 1\nb${i} = 2\nc${i} = 3\n\`\`\`\n`,
    ).join("text\n");
    const { out, cut } = enforce(blocks, 3);
    expect(cut).toBe(true);
    expect(out).toContain("b2 = 2");
    expect(out).not.toContain("c2 = 3");
    expect(out).not.toContain("a3 = 1");
  });

  it("keeps a tilde block open past a backtick line", () => {
    const text = "~~~\n```\nx\n~~~\nafter\n";
    expect(enforce(text, 2)).toEqual({ out: text, cut: false });
  });
});
