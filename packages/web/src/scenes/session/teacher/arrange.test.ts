import type { Hand, RunSummary } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import type { StudentSnapshot } from "../../../live/student-feed.ts";
import { runSummary } from "../../../run/run-summary.fixture.ts";
import { arrange, handsByStudent, isIdle, NO_FILTER, showCounts, whyShown } from "./arrange.ts";

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
    failedInARow: 0,
    typedChars: 0,
    pastedChars: 0,
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

function ended(patch: Partial<RunSummary> = {}): RunSummary {
  return runSummary({ queuedAt: new Date(minutesAgo(2)).toISOString(), ...patch });
}

function hand(userId: string, raisedMinutesAgo: number): Hand {
  return {
    id: `hand-${userId}`,
    sessionId: "s",
    userId,
    name: userId,
    message: "",
    line: null,
    status: "waiting",
    position: 1,
    helperName: null,
    createdAt: new Date(minutesAgo(raisedMinutesAgo)).toISOString(),
    claimedAt: null,
    resolvedAt: null,
  };
}

/** A lab: two who failed last (one of them three times in a row), one fine, one who never ran. */
const LAB = [
  student("Ada", { lastRun: ended({ phase: "compile", exitCode: 1 }), failedInARow: 1 }),
  student("Bea", { lastRun: ended({ exitCode: 1 }), failedInARow: 3, online: false }),
  student("Cy", { lastRun: ended(), failedInARow: 0, lastEditAt: minutesAgo(1) }),
  student("Dan", { typedChars: 150, pastedChars: 250 }),
  student("Eve", {
    lastRun: ended({ status: "running", exitCode: null, phase: null }),
    failedInARow: 2,
    typedChars: 400,
    pastedChars: 250,
  }),
];
const HANDS = handsByStudent([hand("Dan", 4), hand("Cy", 9)]);

describe("who is stuck", () => {
  const show = (key: (typeof NO_FILTER)["show"], extra: Partial<typeof NO_FILTER> = {}) =>
    names(arrange(LAB, "name", { ...NO_FILTER, show: key, ...extra }, NOW, HANDS));

  it("shows the students whose last run failed, and only while it is the last", () => {
    expect(show("errors")).toEqual(["Ada", "Bea"]);
  });

  it("shows the students failing three runs in a row or more", () => {
    expect(show("repeated")).toEqual(["Bea"]);
  });

  it("shows who never ran and who has a hand up, oldest hand first", () => {
    expect(show("neverRan")).toEqual(["Dan"]);
    expect(show("hands")).toEqual(["Cy", "Dan"]);
  });

  it("shows who pasted more than half of what they added, and not a short paste alone", () => {
    // Eve pasted 250 of 650 (38%): typed most of it.
    expect(show("pasted")).toEqual(["Dan"]);
    const short = student("Fay", { typedChars: 10, pastedChars: 120 });
    expect(names(arrange([short], "name", { ...NO_FILTER, show: "pasted" }, NOW))).toEqual([]);
  });

  it("narrows a choice with online only and idle", () => {
    expect(show("errors", { onlineOnly: true })).toEqual(["Ada"]);
    expect(show("hands", { idleMinutes: 5 })).toEqual(["Dan"]);
  });

  it("counts each choice in the whole class", () => {
    expect(showCounts(LAB, HANDS)).toEqual({
      all: 5,
      hands: 2,
      errors: 2,
      repeated: 1,
      neverRan: 1,
      pasted: 1,
    });
  });

  it("puts raised hands first, oldest first, in every order", () => {
    expect(names(arrange(LAB, "name", NO_FILTER, NOW, HANDS))).toEqual(["Cy", "Dan", "Ada", "Bea", "Eve"]);
    expect(names(arrange(LAB, "online", NO_FILTER, NOW, HANDS))).toEqual(["Cy", "Dan", "Ada", "Eve", "Bea"]);
    expect(names(arrange(LAB, "lastEdit", NO_FILTER, NOW, HANDS)).slice(0, 2)).toEqual(["Cy", "Dan"]);
  });

  it("says why a tile matches", () => {
    const [ada, bea, , dan] = LAB as [StudentSnapshot, StudentSnapshot, StudentSnapshot, StudentSnapshot];
    const why = (s: StudentSnapshot, key: (typeof NO_FILTER)["show"], extra = {}) =>
      whyShown(s, HANDS.get(s.id) ?? null, { ...NO_FILTER, show: key, ...extra }, NOW);
    expect(why(ada, "errors")).toEqual(["Last run: compile error"]);
    expect(why(bea, "repeated")).toEqual(["3 failed runs in a row, last: runtime error"]);
    expect(why(dan, "neverRan", { idleMinutes: 10 })).toEqual(["Never ran", "Idle 30 min"]);
    expect(why(dan, "hands")).toEqual(["Hand raised 4 min ago"]);
    expect(why(dan, "pasted")).toEqual(["Typed 150 characters · pasted 250 (63%)"]);
    expect(why(dan, "all")).toEqual([]);
  });
});
