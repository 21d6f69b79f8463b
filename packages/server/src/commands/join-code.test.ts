import { JOIN_CODE_ALPHABET } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { generateJoinCode } from "./join-code.ts";

describe("generateJoinCode", () => {
  it("makes 6-character codes from the unambiguous alphabet only", () => {
    for (let i = 0; i < 2000; i++) {
      const code = generateJoinCode();
      expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$/);
    }
    expect(JOIN_CODE_ALPHABET).not.toMatch(/[01OIL]/);
  });

  it("uses every letter of the alphabet and rarely repeats a code", () => {
    const seen = new Set<string>();
    const letters = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const code = generateJoinCode();
      seen.add(code);
      for (const c of code) letters.add(c);
    }
    expect(letters.size).toBe(JOIN_CODE_ALPHABET.length);
    // 31^6 ≈ 8.9e8 codes: 5000 draws collide with probability ≈ 1.4 %; allow one.
    expect(seen.size).toBeGreaterThanOrEqual(4999);
  });
});
