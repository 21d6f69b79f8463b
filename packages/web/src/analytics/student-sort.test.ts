import type { StudentAnalytics } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { DEFAULT_STUDENT_SORT, nextSort, sortStudents } from "./student-sort.ts";

let n = 0;
const student = (name: string, patch: Partial<StudentAnalytics> = {}): StudentAnalytics => ({
  userId: `00000000-0000-4000-8000-0000000000${String(++n).padStart(2, "0")}`,
  name,
  edits: 0,
  charactersTyped: 0,
  pastes: 0,
  charactersPasted: 0,
  runs: 0,
  failedRuns: 0,
  hands: 0,
  activeMinutes: 0,
  firstSuccessAt: null,
  minutesToFirstSuccess: null,
  ...patch,
});

const class3 = [
  student("cleo", { edits: 5, runs: 2, firstSuccessAt: "2026-12-03T09:10:00.000Z" }),
  student("Ada", { edits: 40, runs: 2 }),
  student("Ben", { edits: 12, runs: 7, firstSuccessAt: "2026-12-03T09:04:00.000Z" }),
];
const names = (list: StudentAnalytics[]) => list.map((s) => s.name);

describe("sortStudents", () => {
  it("sorts by name by default, ignoring case", () => {
    expect(names(sortStudents(class3, DEFAULT_STUDENT_SORT))).toEqual(["Ada", "Ben", "cleo"]);
  });

  it("sorts a count the most first on the first click, and the other way on the second", () => {
    const first = nextSort(DEFAULT_STUDENT_SORT, "edits");
    expect(first).toEqual({ column: "edits", direction: "descending" });
    expect(names(sortStudents(class3, first))).toEqual(["Ada", "Ben", "cleo"]);
    expect(names(sortStudents(class3, nextSort(first, "edits")))).toEqual(["cleo", "Ben", "Ada"]);
  });

  it("breaks ties by name", () => {
    expect(names(sortStudents(class3, { column: "runs", direction: "ascending" }))).toEqual([
      "Ada",
      "cleo",
      "Ben",
    ]);
  });

  it("puts those who never succeeded last, whichever way first success sorts", () => {
    const earliest = nextSort(DEFAULT_STUDENT_SORT, "firstSuccessAt");
    expect(earliest.direction).toBe("ascending");
    expect(names(sortStudents(class3, earliest))).toEqual(["Ben", "cleo", "Ada"]);
    expect(names(sortStudents(class3, nextSort(earliest, "firstSuccessAt")))).toEqual(["cleo", "Ben", "Ada"]);
  });

  it("leaves the list it was given alone", () => {
    const given = [...class3];
    sortStudents(given, { column: "edits", direction: "ascending" });
    expect(given).toEqual(class3);
  });

  it("sorts by the share pasted, the most first, from the characters typed and pasted", () => {
    const list = [
      student("Typist", { charactersTyped: 300, charactersPasted: 0 }),
      student("Paster", { charactersTyped: 10, charactersPasted: 290 }),
      student("Mixed", { charactersTyped: 100, charactersPasted: 100 }),
      student("Idle"),
    ];
    expect(names(sortStudents(list, nextSort(DEFAULT_STUDENT_SORT, "pastedShare")))).toEqual([
      "Paster",
      "Mixed",
      "Idle",
      "Typist",
    ]);
  });
});
