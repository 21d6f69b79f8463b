import { describe, expect, it } from "vitest";
import { aiModeSummary } from "./AiSessionControls.tsx";
import { aiBadgeTitle } from "./AiTileBadge.tsx";
import { studentsText, titleParts } from "./ClassDigest.tsx";

describe("the teacher's AI words", () => {
  it("splits a digest title into text and code, whatever the backticks", () => {
    expect(titleParts("`IndexError` in the loop over `range(len(xs)+1)`")).toEqual([
      { text: "IndexError", code: true },
      { text: " in the loop over ", code: false },
      { text: "range(len(xs)+1)", code: true },
    ]);
    expect(titleParts("An unclosed ` quote")).toEqual([{ text: "An unclosed ` quote", code: false }]);
    expect(studentsText(1)).toBe("1 student");
    expect(studentsText(7)).toBe("7 students");
  });

  it("says what the students get and what a student asked last", () => {
    expect(aiModeSummary({ ai: "off", aiQuestionsPerHour: 5 })).toBe("Students see no AI help.");
    expect(aiModeSummary({ ai: "hints", aiQuestionsPerHour: 1 })).toBe(
      "Students can ask for hints and explanations, never a solution; at most 1 question an hour each.",
    );
    expect(aiModeSummary({ ai: "full", aiQuestionsPerHour: null })).toMatch(/solutions included; no limit/);
    expect(aiBadgeTitle(1, "hint", "")).toBe("Asked the AI once; last: Give me a hint");
    expect(aiBadgeTitle(3, "question", "Why?")).toBe("Asked the AI 3 times; last: “Why?”");
  });
});
