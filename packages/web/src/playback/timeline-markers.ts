import { RUN_FAILURE_LABELS, type RunMarkerOutcome, type TimelineEvent } from "@observer/protocol";

/** An event the timeline marks with a button: everything but typing (drawn as activity). */
export type MarkedEvent = Exclude<TimelineEvent, { kind: "edit" }>;
export type MarkerKind = MarkedEvent["kind"];

/** One marker on the timeline: its event, when (ms), and where (0 at `from`, 1 at `to`). */
export interface Marker {
  key: string;
  at: number;
  position: number;
  event: MarkedEvent;
}

/** Where `at` falls between `from` and `to`, from 0 to 1 (clamped; 0 when the span is empty). */
export function positionOf(at: number, from: number, to: number): number {
  if (to <= from) return 0;
  return Math.min(1, Math.max(0, (at - from) / (to - from)));
}

const keyOf = (event: MarkedEvent, index: number): string => {
  switch (event.kind) {
    case "run":
      return `run-${event.runId}`;
    case "hand":
      return `hand-${event.handId}`;
    default:
      return `${event.kind}-${index}`;
  }
};

/** The timeline's markers, in time order: runs, pastes, raised hands and teacher edits. */
export function markersOf(events: readonly TimelineEvent[], from: number, to: number): Marker[] {
  const markers: Marker[] = [];
  events.forEach((event, index) => {
    if (event.kind === "edit") return;
    const at = Date.parse(event.at);
    markers.push({ key: keyOf(event, index), at, position: positionOf(at, from, to), event });
  });
  return markers.sort((a, b) => a.at - b.at);
}

/** The first marker after `time`, or null when none is (markers in time order). */
export function nextMarker(markers: readonly Marker[], time: number): Marker | null {
  return markers.find((m) => m.at > time) ?? null;
}

/** The last marker before `time`, or null when none is (markers in time order). */
export function previousMarker(markers: readonly Marker[], time: number): Marker | null {
  return markers.findLast((m) => m.at < time) ?? null;
}

/** The activity strip: how busy each stretch of the session was, 0 (nothing) to 1 (busiest). */
export interface ActivityStrip {
  /** The length of one bar (ms): a minute for a lesson; less for a span of a few minutes, more for a day. */
  bucketMs: number;
  levels: number[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** A span this short is drawn in bars of seconds (at most SHORT_BARS of them). */
const SHORT_SPAN = 10 * MINUTE;
const SHORT_BARS = 120;
const SHORT_LENGTHS = [SECOND, 5 * SECOND, 15 * SECOND, 30 * SECOND];

/**
 * The editing activity between `from` and `to` (changes typed, by the student or a teacher,
 * plus one per paste), scaled to the busiest bar: a bar a minute for a lesson of up to
 * `maxBars` minutes, bars of several minutes for a longer span, bars of seconds for a span
 * under ten minutes (a lesson just begun).
 */
export function activityStrip(
  events: readonly TimelineEvent[],
  from: number,
  to: number,
  maxBars = 180,
): ActivityStrip {
  const span = Math.max(0, to - from);
  const bucketMs =
    span <= SHORT_SPAN
      ? (SHORT_LENGTHS.find((length) => span / length <= SHORT_BARS) ?? MINUTE)
      : Math.max(1, Math.ceil(span / MINUTE / maxBars)) * MINUTE;
  const counts = new Array<number>(Math.max(1, Math.ceil(span / bucketMs))).fill(0);
  for (const event of events) {
    const weight =
      event.kind === "edit"
        ? event.changes
        : event.kind === "paste"
          ? 1
          : event.kind === "teacher_edit"
            ? Math.max(1, Math.ceil((event.inserted + event.deleted) / 4))
            : 0;
    if (weight === 0) continue;
    const at = Date.parse(event.at);
    if (at < from || at > to) continue;
    const bucket = Math.min(counts.length - 1, Math.floor((at - from) / bucketMs));
    counts[bucket] = (counts[bucket] ?? 0) + weight;
  }
  const busiest = Math.max(0, ...counts);
  return { bucketMs, levels: counts.map((n) => (busiest === 0 ? 0 : n / busiest)) };
}

const OUTCOME_TEXT: Record<RunMarkerOutcome, string> = {
  succeeded: "Run succeeded",
  failed: "Run failed",
  no_verdict: "Run ended without a result",
  running: "Run still running",
};

const count = new Intl.NumberFormat("en");

/** What a marker is, in words: "Run failed: runtime error", "Pasted 312 characters". */
export function markerText(event: MarkedEvent): string {
  switch (event.kind) {
    case "run": {
      const outcome =
        event.outcome === "failed" && event.failure
          ? `${OUTCOME_TEXT.failed}: ${RUN_FAILURE_LABELS[event.failure]}`
          : OUTCOME_TEXT[event.outcome];
      return event.byTeacher ? `${outcome} (started by the teacher)` : outcome;
    }
    case "paste":
      return `Pasted ${count.format(event.length)} ${event.length === 1 ? "character" : "characters"}`;
    case "hand": {
      const where = event.line === null ? "" : ` at line ${event.line}`;
      return event.message.trim() === ""
        ? `Raised a hand${where}`
        : `Raised a hand${where}: “${event.message.trim()}”`;
    }
    case "teacher_edit":
      return `${event.name} edited the code (+${count.format(event.inserted)} −${count.format(event.deleted)})`;
  }
}
