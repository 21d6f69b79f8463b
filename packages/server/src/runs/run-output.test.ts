import { describe, expect, it } from "vitest";
import { QUOTA_CUT_NOTICE, STORED_OUTPUT_BYTES, storableOutput } from "./run-output.ts";

describe("storableOutput", () => {
  it("keeps an output that fits as it is", () => {
    expect(storableOutput("hello\r\n")).toEqual({ text: "hello\r\n", cut: false });
  });

  it("keeps the beginning of an output over the stored cap", () => {
    const { text, cut } = storableOutput(`${"a".repeat(STORED_OUTPUT_BYTES)}bbb`);
    expect(cut).toBe(true);
    expect(text).toBe("a".repeat(STORED_OUTPUT_BYTES));
  });

  it("keeps only the end, after a notice, when the storage quota leaves less room", () => {
    const output = `${"x".repeat(5000)}THE END é\r\n`;
    const { text, cut } = storableOutput(output, 1000);
    expect(cut).toBe(true);
    expect(text.startsWith(QUOTA_CUT_NOTICE)).toBe(true);
    expect(text.endsWith("THE END é\r\n")).toBe(true);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1000);
    expect(text).not.toContain("\uFFFD");
  });

  it("stores nothing when there is no room at all", () => {
    expect(storableOutput("some output", 0)).toEqual({ text: "", cut: true });
  });
});
