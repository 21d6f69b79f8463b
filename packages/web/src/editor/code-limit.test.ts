import { describe, expect, it } from "vitest";
import { fitsCap, minimalEdit } from "./code-limit.ts";

describe("fitsCap", () => {
  it("counts UTF-8 bytes, not characters", () => {
    expect(fitsCap("a".repeat(10), 10)).toBe(true);
    expect(fitsCap("a".repeat(11), 10)).toBe(false);
    expect(fitsCap("é".repeat(5), 10)).toBe(true);
    expect(fitsCap("é".repeat(6), 10)).toBe(false);
    expect(fitsCap("€".repeat(4), 10)).toBe(false);
  });
});

describe("minimalEdit", () => {
  it("replaces only the part that differs", () => {
    expect(minimalEdit("hello world", "hello brave world")).toEqual({ start: 6, end: 6, text: "brave " });
    expect(minimalEdit("abcdef", "abef")).toEqual({ start: 2, end: 4, text: "" });
    expect(minimalEdit("same", "same")).toEqual({ start: 4, end: 4, text: "" });
    expect(minimalEdit("aaa", "aaaa")).toEqual({ start: 3, end: 3, text: "a" });
    const from = "x".repeat(5);
    const edit = minimalEdit(from, "");
    expect(from.slice(0, edit.start) + edit.text + from.slice(edit.end)).toBe("");
  });
});
