import { describe, expect, it } from "vitest";
import { answerPreview } from "./answer-preview.ts";

describe("answerPreview", () => {
  it("reads an answer's Markdown as one plain line", () => {
    const answer =
      '**A hint.** You wrote: "x"\n\n## Why\n\n- Look at `range(len(xs))`\n\n```python\nfor i in range(3):\n    print(i)\n```\n\nSee [the docs](https://docs.python.org).';
    expect(answerPreview(answer)).toBe(
      'A hint. You wrote: "x" Why Look at range(len(xs)) for i in range(3): print(i) See the docs.',
    );
  });

  it("keeps snake_case and lone stars, and cuts a long answer with an ellipsis", () => {
    expect(answerPreview("Call my_func with 2 * 3")).toBe("Call my_func with 2 * 3");
    const cut = answerPreview("word ".repeat(100), 20);
    expect(cut).toHaveLength(20);
    expect(cut.endsWith("…")).toBe(true);
  });
});
