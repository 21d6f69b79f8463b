import { describe, expect, it } from "vitest";
import type { StudentSnapshot } from "../../../live/student-feed.ts";
import { arrange, isIdle, NO_FILTER } from "./arrange.ts";

const NOW = Date.parse("2025-03-01T10:00:00Z");
const minutesAgo = (m: number) => NOW - m * 60_000;

function student(name: string, patch: Partial<StudentSnapshot> = {}): StudentSnapshot {
  return {
    id: name,
    name,
    joinedAt: new Date(minutesAgo(30)).toISOString(),
    online: true,
    lastEditAt: null,
    language: "python",
    documentState: "open",
    lastRun: null,
    ...patch,
  };
}

const names = (list: StudentSnapshot[]) => list.map((s) => s.name);

const CLASS = [
  student("zoë", { lastEditAt: minutesAgo(1) }),
  student("Ada", { online: false, lastEditAt: minutesAgo(20) }),
  student("Student 10", { lastEditAt: minutesAgo(3) }),
  student("Student 9"),
  student("Émile", { online: false }),
];

describe("arrange", () => {
  it("sorts by name, naturally and ignoring case and accents", () => {
    expect(names(arrange(CLASS, "name", NO_FILTER, NOW))).toEqual([
      "Ada",
      "Émile",
      "Student 9",
      "Student 10",
      "zoë",
    ]);
  });

  it("sorts by last edit, most recent first, never-edited last", () => {
    expect(names(arrange(CLASS, "lastEdit", NO_FILTER, NOW))).toEqual([
      "zoë",
      "Student 10",
      "Ada",
      "Émile",
      "Student 9",
    ]);
  });

  it("puts online students first", () => {
    expect(names(arrange(CLASS, "online", NO_FILTER, NOW))).toEqual([
      "Student 9",
      "Student 10",
      "zoë",
      "Ada",
      "Émile",
    ]);
  });

  it("filters online only, idle for N minutes, and by name", () => {
    expect(names(arrange(CLASS, "name", { ...NO_FILTER, onlineOnly: true }, NOW))).toEqual([
      "Student 9",
      "Student 10",
      "zoë",
    ]);
    // Idle: no edit for 5 minutes (never edited counts from joining, 30 minutes ago).
    expect(names(arrange(CLASS, "name", { ...NO_FILTER, idleMinutes: 5 }, NOW))).toEqual([
      "Ada",
      "Émile",
      "Student 9",
    ]);
    expect(names(arrange(CLASS, "name", { ...NO_FILTER, query: " emi" }, NOW))).toEqual(["Émile"]);
    expect(names(arrange(CLASS, "name", { ...NO_FILTER, query: "STUDENT 1" }, NOW))).toEqual(["Student 10"]);
  });

  it("counts idleness from the last edit", () => {
    expect(isIdle(student("a", { lastEditAt: minutesAgo(2) }), 2, NOW)).toBe(true);
    expect(isIdle(student("a", { lastEditAt: minutesAgo(1.9) }), 2, NOW)).toBe(false);
  });
});
