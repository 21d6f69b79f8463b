import { describe, expect, it } from "vitest";
import {
  archiveMessage,
  archiveReadme,
  defaultRepoName,
  escapeMarkdown,
  saveMessage,
  utcMinute,
} from "./commit-texts.ts";

const at = new Date("2026-12-03T10:15:42.123Z");

describe("the words Observer writes into GitHub", () => {
  it("names a student's repository after the session", () => {
    expect(defaultRepoName("Loops lab")).toBe("observer-loops-lab");
    expect(defaultRepoName("Week 3: Zoë's loops!")).toBe("observer-week-3-zoe-s-loops");
    expect(defaultRepoName("∑∫")).toBe("observer-session");
  });

  it("writes commit messages with the file, the session and the minute in UTC", () => {
    expect(utcMinute(at)).toBe("2026-12-03 10:15 UTC");
    expect(saveMessage("main.py", "Loops lab", at)).toBe(
      "Save main.py from Observer session “Loops lab” (2026-12-03 10:15 UTC)",
    );
    expect(archiveMessage("Loops lab", 30, at)).toBe(
      "Archive Observer session “Loops lab”: 30 students (2026-12-03 10:15 UTC)",
    );
    expect(archiveMessage("Loops lab", 1, at)).toContain(": 1 student (");
  });

  it("lists the students in the README as text, never as markup", () => {
    expect(escapeMarkdown("[x](javascript:alert(1)) <b>*hi*</b>")).toBe(
      "\\[x\\]\\(javascript:alert\\(1\\)\\) \\<b\\>\\*hi\\*\\</b\\>",
    );
    const readme = archiveReadme(
      { name: "Loops lab", language: "java", teacherName: "Ms T" },
      [
        { name: "Ada", path: "ada-0000aaaa/Main.java" },
        { name: "Bo | Bob", path: "bo-bob-1111bbbb/Loop.java" },
      ],
      at,
    );
    expect(readme.split("\n")).toEqual([
      "# Loops lab",
      "",
      "Observer session archived on 2026-12-03 10:15 UTC.",
      "",
      "- Teacher: Ms T",
      "- Language: Java",
      "- Students: 2",
      "",
      "| Student | Code |",
      "| --- | --- |",
      "| Ada | [ada-0000aaaa/Main.java](ada-0000aaaa/Main.java) |",
      "| Bo \\| Bob | [bo-bob-1111bbbb/Loop.java](bo-bob-1111bbbb/Loop.java) |",
      "",
    ]);
  });
});
