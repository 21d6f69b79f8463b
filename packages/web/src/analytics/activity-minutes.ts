import type { MinuteAnalytics } from "@observer/protocol";

/** The figures of one point of the activity charts. */
export type ActivityCounts = Pick<MinuteAnalytics, "edits" | "runs" | "failedRuns" | "hands" | "pastes">;

/** One point of the activity charts: a span of `ActivitySeries.step` minutes from `start` (ms). */
export interface ActivityPoint extends ActivityCounts {
  start: number;
}

export interface ActivitySeries {
  /** Minutes per point: 1, or more when the session is too long for a point a minute. */
  step: number;
  points: ActivityPoint[];
}

const MINUTE = 60_000;

/** At most this many points on a chart (six hours at a point a minute). */
export const MAX_ACTIVITY_POINTS = 360;

const zero = (start: number): ActivityPoint => ({
  start,
  edits: 0,
  runs: 0,
  failedRuns: 0,
  hands: 0,
  pastes: 0,
});

/**
 * The class's activity as a continuous series from the first minute with activity to the
 * last: the minutes the server left out (nothing happened) count 0, so the x axis has no
 * gaps. A session longer than `maxPoints` minutes gets a point per few minutes (the sum of
 * those minutes) instead.
 */
export function activitySeries(
  minutes: readonly MinuteAnalytics[],
  maxPoints = MAX_ACTIVITY_POINTS,
): ActivitySeries {
  const starts = minutes.map((m) => Math.floor(Date.parse(m.minute) / MINUTE) * MINUTE);
  if (starts.length === 0) return { step: 1, points: [] };
  const first = Math.min(...starts);
  const last = Math.max(...starts);
  const span = (last - first) / MINUTE + 1;
  const step = Math.max(1, Math.ceil(span / maxPoints));
  const points = Array.from({ length: Math.ceil(span / step) }, (_, i) => zero(first + i * step * MINUTE));
  minutes.forEach((minute, i) => {
    const point = points[Math.floor(((starts[i] ?? first) - first) / (step * MINUTE))];
    if (!point) return;
    point.edits += minute.edits;
    point.runs += minute.runs;
    point.failedRuns += minute.failedRuns;
    point.hands += minute.hands;
    point.pastes += minute.pastes;
  });
  return { step, points };
}

/** The sums of a series' points (what the charts' summary says). */
export function activityTotals(points: readonly ActivityCounts[]): ActivityCounts {
  const total = { edits: 0, runs: 0, failedRuns: 0, hands: 0, pastes: 0 };
  for (const p of points) {
    total.edits += p.edits;
    total.runs += p.runs;
    total.failedRuns += p.failedRuns;
    total.hands += p.hands;
    total.pastes += p.pastes;
  }
  return total;
}
