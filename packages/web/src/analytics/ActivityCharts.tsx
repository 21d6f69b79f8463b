import type { MinuteAnalytics } from "@observer/protocol";
import { useMemo } from "react";
import { useDarkTheme } from "../theme/useDarkTheme.ts";
import { Card } from "../ui/Card.tsx";
import { editsAndRunsChart, troubleChart } from "./activity-charts.ts";
import { activitySeries, activityTotals } from "./activity-minutes.ts";
import { ChartCanvas } from "./ChartCanvas.tsx";
import { chartPalette } from "./chart-palette.ts";

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/**
 * The class's activity over the session's time, a point a minute (quiet minutes count 0):
 * edits and runs on one chart, failed runs and raised hands on another, each with its totals
 * in words beside it.
 */
export function ActivityCharts({ minutes }: { minutes: readonly MinuteAnalytics[] }) {
  const dark = useDarkTheme();
  const series = useMemo(() => activitySeries(minutes), [minutes]);
  const configs = useMemo(() => {
    const palette = chartPalette(dark);
    const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    return {
      editsAndRuns: editsAndRunsChart(series, palette, reducedMotion),
      trouble: troubleChart(series, palette, reducedMotion),
    };
  }, [series, dark]);
  const total = activityTotals(series.points);
  const per = series.step === 1 ? "per minute" : `per ${series.step} minutes`;
  const span = plural(series.points.length * series.step, "minute");

  if (series.points.length === 0) {
    return (
      <Card title="Activity">
        <p className="text-slate-600 dark:text-slate-400">No edits, runs or raised hands yet.</p>
      </Card>
    );
  }
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card title={`Edits and runs ${per}`} titleId="chart-edits-runs" className="min-w-0">
        <p className="-mt-3 mb-3 text-sm text-slate-600 dark:text-slate-400">
          {plural(total.edits, "edit")} and {plural(total.runs, "run")} over {span}
        </p>
        <ChartCanvas
          config={configs.editsAndRuns}
          label={`Edits and runs ${per}: ${plural(total.edits, "edit")}, ${plural(total.runs, "run")} over ${span}.`}
        />
      </Card>
      <Card title={`Failed runs and hands raised ${per}`} titleId="chart-trouble" className="min-w-0">
        <p className="-mt-3 mb-3 text-sm text-slate-600 dark:text-slate-400">
          {plural(total.failedRuns, "failed run")} and {plural(total.hands, "hand")} raised over {span}
        </p>
        <ChartCanvas
          config={configs.trouble}
          label={`Failed runs and hands raised ${per}: ${plural(total.failedRuns, "failed run")}, ${plural(total.hands, "hand")} raised over ${span}.`}
        />
      </Card>
    </div>
  );
}
