import type { StudentSnapshot } from "../../../live/student-feed.ts";

export type SortKey = "name" | "lastEdit" | "online";

export const SORT_LABELS: Record<SortKey, string> = {
  name: "Name",
  lastEdit: "Last edit",
  online: "Online first",
};

export interface RosterFilter {
  onlineOnly: boolean;
  /** Only students idle (no edit) for at least this many minutes; null for everyone. */
  idleMinutes: number | null;
  /** Part of the name, any case and accents. */
  query: string;
}

export const NO_FILTER: RosterFilter = { onlineOnly: false, idleMinutes: null, query: "" };

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
const fold = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();

/** When the student last did something: the last edit, else joining. */
export function lastActivity(student: StudentSnapshot): number {
  return student.lastEditAt ?? Date.parse(student.joinedAt);
}

/** Whether a student has made no edit for at least `minutes` at `now`. */
export function isIdle(student: StudentSnapshot, minutes: number, now: number): boolean {
  return now - lastActivity(student) >= minutes * 60_000;
}

/** The students to show, filtered and in order. Ties always fall back to the name. */
export function arrange(
  students: readonly StudentSnapshot[],
  sort: SortKey,
  filter: RosterFilter,
  now: number,
): StudentSnapshot[] {
  const query = fold(filter.query.trim());
  const shown = students.filter(
    (s) =>
      (!filter.onlineOnly || s.online) &&
      (filter.idleMinutes === null || isIdle(s, filter.idleMinutes, now)) &&
      (query === "" || fold(s.name).includes(query)),
  );
  const byName = (a: StudentSnapshot, b: StudentSnapshot) => collator.compare(a.name, b.name);
  const compare: Record<SortKey, (a: StudentSnapshot, b: StudentSnapshot) => number> = {
    name: byName,
    online: (a, b) => Number(b.online) - Number(a.online) || byName(a, b),
    lastEdit: (a, b) => (b.lastEditAt ?? -1) - (a.lastEditAt ?? -1) || byName(a, b),
  };
  return shown.sort(compare[sort]);
}
