import type { TimelineEvent } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import {
  activityStrip,
  markersOf,
  markerText,
  nextMarker,
  positionOf,
  previousMarker,
} from "./timeline-markers.ts";

const FROM = Date.parse("2026-03-02T09:00:00Z");
const at = (minutes: number) => new Date(FROM + minutes * 60_000).toISOString();
const TO = FROM + 60 * 60_000;

type RunEvent = Extract<TimelineEvent, { kind: "run" }>;
const run = (minutes: number, patch: Partial<RunEvent> = {}): RunEvent => ({
  at: at(minutes),
  kind: "run",
  runId: `r${minutes}`,
  status: "finished",
  outcome: "succeeded",
  failure: null,
  exitCode: 0,
  durationMs: 120,
  byTeacher: false,
  ...patch,
});
const edit = (minutes: number, changes: number): TimelineEvent => ({
  at: at(minutes),
  kind: "edit",
  inserted: changes,
  deleted: 0,
  changes,
});

const EVENTS: TimelineEvent[] = [
  edit(1, 30),
  { at: at(5), kind: "paste", length: 312 },
  run(10, { outcome: "failed", failure: "runtime", exitCode: 1 }),
  edit(12, 10),
  { at: at(15), kind: "hand", handId: "h1", message: " Why line 3? ", line: 3 },
  { at: at(20), kind: "teacher_edit", userId: "t", name: "Grace", inserted: 12, deleted: 3 },
  run(30),
];

describe("timeline markers", () => {
  it("places each event but typing at its share of the session, clamped to the ends", () => {
    const markers = markersOf(EVENTS, FROM, TO);
    expect(markers.map((m) => m.event.kind)).toEqual(["paste", "run", "hand", "teacher_edit", "run"]);
    expect(markers.map((m) => m.position)).toEqual([5 / 60, 10 / 60, 15 / 60, 20 / 60, 30 / 60]);
    expect(markers[1]?.key).toBe("run-r10");
    expect(positionOf(FROM - 1000, FROM, TO)).toBe(0);
    expect(positionOf(TO + 1000, FROM, TO)).toBe(1);
    expect(positionOf(FROM, FROM, FROM)).toBe(0);
  });

  it("steps to the next and previous event, strictly after or before the moment", () => {
    const markers = markersOf(EVENTS, FROM, TO);
    expect(nextMarker(markers, FROM)?.event.kind).toBe("paste");
    // On a marker, "next" leaves it.
    expect(nextMarker(markers, Date.parse(at(10)))?.event.kind).toBe("hand");
    expect(nextMarker(markers, Date.parse(at(30)))).toBeNull();
    expect(previousMarker(markers, TO)?.at).toBe(Date.parse(at(30)));
    expect(previousMarker(markers, Date.parse(at(10)))?.event.kind).toBe("paste");
    expect(previousMarker(markers, Date.parse(at(5)))).toBeNull();
  });

  it("says what each marker is, in neutral words", () => {
    const texts = markersOf(EVENTS, FROM, TO).map((m) => markerText(m.event));
    expect(texts).toEqual([
      "Pasted 312 characters",
      "Run failed: runtime error",
      "Raised a hand at line 3: “Why line 3?”",
      "Grace edited the code (+12 −3)",
      "Run succeeded",
    ]);
    expect(markerText(run(1, { outcome: "no_verdict", byTeacher: true }))).toBe(
      "Run ended without a result (started by the teacher)",
    );
    expect(markerText({ at: at(1), kind: "hand", handId: "h", message: "", line: null })).toBe(
      "Raised a hand",
    );
  });
});

describe("activity strip", () => {
  it("counts the changes of each minute, scaled to the busiest", () => {
    const strip = activityStrip(EVENTS, FROM, FROM + 15 * 60_000, 15);
    expect(strip.bucketMs).toBe(60_000);
    expect(strip.levels).toHaveLength(15);
    expect(strip.levels[1]).toBe(1);
    expect(strip.levels[12]).toBeCloseTo(10 / 30);
    // A paste counts once; runs and hands are not editing.
    expect(strip.levels[5]).toBeCloseTo(1 / 30);
    expect(strip.levels[10]).toBe(0);
    expect(strip.levels[0]).toBe(0);
  });

  it("takes bars of seconds for a lesson just begun, of several minutes for a long span", () => {
    expect(activityStrip(EVENTS, FROM, FROM + 60_000).bucketMs).toBe(1000);
    expect(activityStrip(EVENTS, FROM, FROM + 8 * 60_000).bucketMs).toBe(5000);
    expect(activityStrip(EVENTS, FROM, FROM + 20 * 60_000).bucketMs).toBe(60_000);
    expect(activityStrip(EVENTS, FROM, FROM + 3 * 3600_000).bucketMs).toBe(60_000);
    expect(activityStrip(EVENTS, FROM, FROM + 5 * 3600_000, 100).bucketMs).toBe(3 * 60_000);
  });

  it("groups several minutes in a bar of a long session, and is flat when nothing was typed", () => {
    const strip = activityStrip(EVENTS, FROM, FROM + 10 * 3600_000, 100);
    expect(strip.bucketMs).toBe(6 * 60_000);
    expect(strip.levels).toHaveLength(100);
    // Minutes 1 and 5 in bar 0, minute 12 in bar 2.
    expect(strip.levels[0]).toBe(1);
    expect(strip.levels[2]).toBeCloseTo(10 / 31);
    expect(activityStrip([run(3)], FROM, TO).levels.every((l) => l === 0)).toBe(true);
    expect(activityStrip([], FROM, FROM).levels).toEqual([0]);
  });
});
