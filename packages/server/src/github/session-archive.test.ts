import { describe, expect, it } from "vitest";
import { treeBatches } from "./session-archive.ts";

const file = (path: string, bytes: number) => ({ path, content: "x".repeat(bytes) });

describe("the archive's tree requests", () => {
  it("hold a whole class in one request when it is small", () => {
    const files = Array.from({ length: 31 }, (_, i) => file(`s${i}/main.py`, 2000));
    expect(treeBatches(files)).toEqual([files]);
  });

  it("split a large class by content size, in order, a file larger than a batch alone", () => {
    const files = [file("a", 400), file("b", 400), file("c", 400), file("big", 2000), file("d", 1)];
    const batches = treeBatches(files, 1000);
    expect(batches.map((b) => b.map((f) => f.path))).toEqual([["a", "b"], ["c"], ["big"], ["d"]]);
    expect(batches.flat()).toEqual(files);
  });

  it("count bytes, not characters", () => {
    const files = [
      { path: "a", content: "é".repeat(300) },
      { path: "b", content: "é".repeat(300) },
    ];
    expect(treeBatches(files, 1000)).toHaveLength(2);
  });
});
