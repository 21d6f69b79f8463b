import {
  FAILING_REPEATEDLY_RUNS,
  type Hand,
  pastedALot,
  RUN_FAILURE_LABELS,
  runFailure,
} from "@observer/protocol";
import type { StudentSnapshot } from "../../../live/student-feed.ts";
import { provenanceText } from "../../../playback/provenance-text.ts";
import { formatSince } from "../../../ui/format.ts";

export type SortKey = "name" | "lastEdit" | "online";

export const SORT_LABELS: Record<SortKey, string> = {
  name: "Name",
  lastEdit: "Last edit",
  online: "Online first",
};

/**
 * Which students to show, one choice at a time ("who is stuck"); "online only", "idle for" and
 * the name search narrow it further (they combine with it and with each other).
 */
export const SHOW_KEYS = ["all", "hands", "errors", "repeated", "neverRan", "pasted"] as const;
export type ShowKey = (typeof SHOW_KEYS)[number];

/** How the toolbar names each choice after its count: "5 with errors". */
export const SHOW_LABELS: Record<ShowKey, { one: string; many: string }> = {
  all: { one: "student", many: "students" },
  hands: { one: "hand raised", many: "hands raised" },
  errors: { one: "with errors", many: "with errors" },
  repeated: { one: "failing repeatedly", many: "failing repeatedly" },
  neverRan: { one: "never ran", many: "never ran" },
  pasted: { one: "pasted a lot", many: "pasted a lot" },
};

/** What a choice means, where its name alone may not say (the chip's tooltip). */
export const SHOW_HINTS: Partial<Record<ShowKey, string>> = {
  pasted: "More than half of the characters they added arrived by paste",
};

export interface RosterFilter {
  show: ShowKey;
  onlineOnly: boolean;
  /** Only students idle (no edit) for at least this many minutes; null for everyone. */
  idleMinutes: number | null;
  /** Part of the name, any case and accents. */
  query: string;
}

export const NO_FILTER: RosterFilter = { show: "all", onlineOnly: false, idleMinutes: null, query: "" };

/** Each student's open hand (waiting or being helped), by student id. */
export type HandsByStudent = ReadonlyMap<string, Hand>;

/** The open hands of a HelpQueue snapshot by student. */
export const handsByStudent = (hands: readonly Hand[]): HandsByStudent =>
  new Map(hands.map((hand) => [hand.userId, hand]));

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

/** Whether a student is in a "show" choice. */
export function isShown(student: StudentSnapshot, show: ShowKey, hands: HandsByStudent): boolean {
  switch (show) {
    case "all":
      return true;
    case "hands":
      return hands.has(student.id);
    case "errors":
      return student.lastRun !== null && runFailure(student.lastRun) !== null;
    case "repeated":
      return student.failedInARow >= FAILING_REPEATEDLY_RUNS;
    case "neverRan":
      return student.lastRun === null;
    case "pasted":
      return pastedALot(student);
  }
}

/** How many students each "show" choice holds, in the whole class (whatever else is filtered). */
export function showCounts(
  students: readonly StudentSnapshot[],
  hands: HandsByStudent,
): Record<ShowKey, number> {
  const counts = Object.fromEntries(SHOW_KEYS.map((key) => [key, 0])) as Record<ShowKey, number>;
  for (const student of students)
    for (const key of SHOW_KEYS) if (isShown(student, key, hands)) counts[key] += 1;
  return counts;
}

/**
 * Why a tile matches the active filters, one phrase each ("3 failed runs in a row", "Idle
 * 12 min"); empty when nothing but the name search or "online only" narrows the list.
 */
export function whyShown(
  student: StudentSnapshot,
  hand: Hand | null,
  filter: RosterFilter,
  now: number,
): string[] {
  const reasons: string[] = [];
  const failure = student.lastRun && runFailure(student.lastRun);
  if (filter.show === "hands" && hand) {
    const raised = `Hand raised ${formatSince(Date.parse(hand.createdAt), now)}`;
    reasons.push(hand.status === "helping" ? `${raised}, being helped` : raised);
  }
  if (filter.show === "errors" && failure) reasons.push(`Last run: ${RUN_FAILURE_LABELS[failure]}`);
  if (filter.show === "repeated") {
    reasons.push(
      `${student.failedInARow} failed runs in a row${failure ? `, last: ${RUN_FAILURE_LABELS[failure]}` : ""}`,
    );
  }
  if (filter.show === "neverRan" && student.lastRun === null) reasons.push("Never ran");
  if (filter.show === "pasted" && pastedALot(student)) reasons.push(provenanceText(student));
  if (filter.idleMinutes !== null) {
    reasons.push(`Idle ${Math.floor((now - lastActivity(student)) / 60_000)} min`);
  }
  return reasons;
}

/**
 * The students to show, filtered and in order: students with a raised hand first (oldest hand
 * first) in every order, then the chosen order. Ties always fall back to the name.
 */
export function arrange(
  students: readonly StudentSnapshot[],
  sort: SortKey,
  filter: RosterFilter,
  now: number,
  hands: HandsByStudent = new Map(),
): StudentSnapshot[] {
  const query = fold(filter.query.trim());
  const shown = students.filter(
    (s) =>
      isShown(s, filter.show, hands) &&
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
  const raised = (s: StudentSnapshot) => {
    const hand = hands.get(s.id);
    return hand ? Date.parse(hand.createdAt) : Number.POSITIVE_INFINITY;
  };
  const handFirst = (a: StudentSnapshot, b: StudentSnapshot) => {
    const ra = raised(a);
    const rb = raised(b);
    return ra === rb ? 0 : ra < rb ? -1 : 1;
  };
  return shown.sort((a, b) => handFirst(a, b) || compare[sort](a, b));
}
