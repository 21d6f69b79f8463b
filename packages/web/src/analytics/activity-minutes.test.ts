import type { MinuteAnalytics } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { activitySeries, activityTotals } from "./activity-minutes.ts";

const minute = (time: string, patch: Partial<MinuteAnalytics> = {}): MinuteAnalytics => ({
  minute: `2026-12-03T${time}:00.000Z`,
  edits: 0,
  runs: 0,
  failedRuns: 0,
  hands: 0,
  pastes: 0,
  ...patch,
});
const at = (time: string) => Date.parse(`2026-12-03T${time}:00.000Z`);

describe("activitySeries", () => {
  it("is empty when nothing happened", () => {
    expect(activitySeries([])).toEqual({ step: 1, points: [] });
  });

  it("fills the quiet minutes between the first and the last with zeros", () => {
    const { step, points } = activitySeries([
      minute("09:00", { edits: 12, runs: 1 }),
      minute("09:03", { edits: 4, failedRuns: 1, runs: 1, hands: 2, pastes: 1 }),
    ]);
    expect(step).toBe(1);
    expect(points.map((p) => p.start)).toEqual([at("09:00"), at("09:01"), at("09:02"), at("09:03")]);
    expect(points.map((p) => p.edits)).toEqual([12, 0, 0, 4]);
    expect(points.map((p) => p.runs)).toEqual([1, 0, 0, 1]);
    expect(points[3]).toMatchObject({ failedRuns: 1, hands: 2, pastes: 1 });
  });

  it("does not depend on the order of the minutes", () => {
    const a = minute("10:05", { edits: 1 });
    const b = minute("10:02", { edits: 2 });
    expect(activitySeries([a, b])).toEqual(activitySeries([b, a]));
    expect(activitySeries([a, b]).points[0]).toMatchObject({ start: at("10:02"), edits: 2 });
  });

  it("sums several minutes a point when the session is longer than the chart can show", () => {
    const { step, points } = activitySeries(
      [minute("09:00", { edits: 1 }), minute("09:01", { edits: 2 }), minute("09:09", { runs: 3 })],
      5,
    );
    expect(step).toBe(2);
    expect(points).toHaveLength(5);
    expect(points.map((p) => p.start)).toEqual([
      at("09:00"),
      at("09:02"),
      at("09:04"),
      at("09:06"),
      at("09:08"),
    ]);
    expect(points.map((p) => p.edits)).toEqual([3, 0, 0, 0, 0]);
    expect(points.map((p) => p.runs)).toEqual([0, 0, 0, 0, 3]);
  });

  it("keeps the totals of the minutes it was given", () => {
    const given = [minute("09:00", { edits: 5, runs: 2 }), minute("09:30", { edits: 7, hands: 1 })];
    expect(activityTotals(activitySeries(given, 4).points)).toEqual(activityTotals(given));
  });
});
