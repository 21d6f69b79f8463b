import { describe, expect, it } from "vitest";
import { fitsCap, minimalEdit, tooLargeMessage } from "./code-limit.ts";

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

describe("tooLargeMessage", () => {
  it("blames the paste when a paste was refused, the code when typing reached the limit", () => {
    const cap = 256 * 1024;
    expect(tooLargeMessage(300 * 1024, cap)).toBe(
      "That paste is 300 KB, more than the 256 KB limit for code, so it was not pasted.",
    );
    expect(tooLargeMessage(10 * 1024, cap)).toBe(
      "That paste (10 KB) would take your code over the 256 KB limit, so it was not pasted.",
    );
    expect(tooLargeMessage(1, cap)).toBe(
      "Your code has reached the 256 KB limit, so that change was not made.",
    );
  });
});
