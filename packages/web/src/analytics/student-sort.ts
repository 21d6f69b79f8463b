import { pastedShare, type StudentAnalytics } from "@observer/protocol";

/** The columns of the analytics table that sort. */
export const STUDENT_COLUMNS = [
  "name",
  "edits",
  "charactersTyped",
  "pastes",
  "pastedShare",
  "runs",
  "failedRuns",
  "hands",
  "activeMinutes",
  "firstSuccessAt",
] as const;
export type StudentColumn = (typeof STUDENT_COLUMNS)[number];

export type SortDirection = "ascending" | "descending";

export interface StudentSort {
  column: StudentColumn;
  direction: SortDirection;
}

export const DEFAULT_STUDENT_SORT: StudentSort = { column: "name", direction: "ascending" };

const byName = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

/** The share of a student's added characters that arrived by paste (0 to 1; 0 when none were added). */
export function studentPastedShare(s: StudentAnalytics): number {
  return pastedShare({ typedChars: s.charactersTyped, pastedChars: s.charactersPasted });
}

/**
 * The direction a column sorts in when first clicked: names A→Z, the first success
 * earliest first, counts the most first.
 */
export function firstDirection(column: StudentColumn): SortDirection {
  return column === "name" || column === "firstSuccessAt" ? "ascending" : "descending";
}

/** The sort after clicking `column`'s header: the same column flips, another starts afresh. */
export function nextSort(current: StudentSort, column: StudentColumn): StudentSort {
  if (current.column !== column) return { column, direction: firstDirection(column) };
  return { column, direction: current.direction === "ascending" ? "descending" : "ascending" };
}

/**
 * The students in the table's order. A student who never succeeded comes last whichever
 * way "first success" sorts; ties go by name (then id, so the order is stable).
 */
export function sortStudents(students: readonly StudentAnalytics[], sort: StudentSort): StudentAnalytics[] {
  const sign = sort.direction === "ascending" ? 1 : -1;
  const tie = (a: StudentAnalytics, b: StudentAnalytics) =>
    byName.compare(a.name, b.name) || a.userId.localeCompare(b.userId);
  return [...students].sort((a, b) => {
    if (sort.column === "name") return sign * tie(a, b);
    if (sort.column === "firstSuccessAt") {
      const [x, y] = [a.firstSuccessAt, b.firstSuccessAt];
      if (x === null || y === null) return x === y ? tie(a, b) : x === null ? 1 : -1;
      return sign * (Date.parse(x) - Date.parse(y)) || tie(a, b);
    }
    if (sort.column === "pastedShare")
      return sign * (studentPastedShare(a) - studentPastedShare(b)) || tie(a, b);
    return sign * (a[sort.column] - b[sort.column]) || tie(a, b);
  });
}
