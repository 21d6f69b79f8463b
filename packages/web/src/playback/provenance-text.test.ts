import { describe, expect, it } from "vitest";
import { provenanceText } from "./provenance-text.ts";

describe("provenanceText", () => {
  it("gives the characters typed and pasted, and the share pasted, as figures", () => {
    expect(provenanceText({ typedChars: 1234, pastedChars: 312 })).toBe(
      "Typed 1,234 characters · pasted 312 (20%)",
    );
  });

  it("says only what was typed when nothing was pasted", () => {
    expect(provenanceText({ typedChars: 14, pastedChars: 0 })).toBe("Typed 14 characters");
    expect(provenanceText({ typedChars: 0, pastedChars: 0 })).toBe("Typed 0 characters");
  });
});
