import type { ChartConfiguration, ChartDataset } from "chart.js";
import type { ActivitySeries } from "./activity-minutes.ts";
import { type ChartPalette, withAlpha } from "./chart-palette.ts";

type Config = ChartConfiguration<"bar" | "line", number[], string>;

const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

/** The x axis' labels: each point's start as a time of day ("09:05"). */
export function pointLabels(series: ActivitySeries): string[] {
  return series.points.map((p) => timeOfDay.format(p.start));
}

function baseOptions(palette: ChartPalette, reducedMotion: boolean): NonNullable<Config["options"]> {
  const axis = {
    grid: { color: palette.grid },
    border: { color: palette.grid },
    ticks: { color: palette.text },
  };
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: reducedMotion ? false : { duration: 400 },
    interaction: { mode: "index", intersect: false },
    plugins: {
      legend: {
        position: "top",
        align: "end",
        labels: {
          color: palette.text,
          boxWidth: 12,
          boxHeight: 12,
          useBorderRadius: true,
          borderRadius: 3,
          // In the datasets' order, whichever is drawn on top.
          sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
        },
      },
      tooltip: {
        backgroundColor: palette.tooltip,
        titleColor: palette.tooltipText,
        bodyColor: palette.tooltipText,
        padding: 10,
        boxPadding: 4,
      },
    },
    scales: {
      x: { ...axis, grid: { display: false }, ticks: { ...axis.ticks, maxRotation: 0, autoSkipPadding: 16 } },
      // Some room above the highest point, so a line's dot at the top is not cut.
      y: { ...axis, beginAtZero: true, grace: "8%", ticks: { ...axis.ticks, precision: 0 } },
    },
  };
}

/** A bar series on the left axis; a lower `order` draws over a higher one. */
function bars(label: string, data: number[], color: string, order = 0): ChartDataset<"bar", number[]> {
  return {
    type: "bar",
    label,
    data,
    yAxisID: "y",
    order,
    backgroundColor: withAlpha(color, 0.7),
    hoverBackgroundColor: color,
    borderRadius: 3,
    maxBarThickness: 28,
  };
}

/** "Edits and runs": edits as bars on the left axis, runs as a line on the right one. */
export function editsAndRunsChart(
  series: ActivitySeries,
  palette: ChartPalette,
  reducedMotion: boolean,
): Config {
  const options = baseOptions(palette, reducedMotion);
  const y = options.scales?.y ?? {};
  const runs: ChartDataset<"line", number[]> = {
    type: "line",
    label: "Runs",
    data: series.points.map((p) => p.runs),
    yAxisID: "y1",
    borderColor: palette.runs,
    backgroundColor: palette.runs,
    borderWidth: 2,
    pointRadius: series.points.length > 60 ? 0 : 3,
    pointHoverRadius: 5,
    tension: 0.3,
    // Drawn over the bars.
    order: 0,
  };
  return {
    type: "bar",
    data: {
      labels: pointLabels(series),
      datasets: [
        bars(
          "Edits",
          series.points.map((p) => p.edits),
          palette.edits,
          1,
        ),
        runs,
      ],
    },
    options: {
      ...options,
      scales: {
        ...options.scales,
        y: { ...y, title: { display: true, text: "Edits", color: palette.edits } },
        y1: {
          ...y,
          position: "right",
          grid: { display: false },
          title: { display: true, text: "Runs", color: palette.runs },
        },
      },
    },
  };
}

/** "Failed runs and hands raised": two bars a point on one axis. */
export function troubleChart(series: ActivitySeries, palette: ChartPalette, reducedMotion: boolean): Config {
  return {
    type: "bar",
    data: {
      labels: pointLabels(series),
      datasets: [
        bars(
          "Failed runs",
          series.points.map((p) => p.failedRuns),
          palette.failedRuns,
        ),
        bars(
          "Hands raised",
          series.points.map((p) => p.hands),
          palette.hands,
        ),
      ],
    },
    options: baseOptions(palette, reducedMotion),
  };
}
