/** The colours of the analytics charts in one theme (Tailwind's palette, as the rest of the app). */
export interface ChartPalette {
  edits: string;
  runs: string;
  failedRuns: string;
  hands: string;
  /** Axis labels and legend text. */
  text: string;
  grid: string;
  /** The tooltip's background and text. */
  tooltip: string;
  tooltipText: string;
}

// Each series keeps at least 3:1 contrast against the card behind it (white, slate-900).
const LIGHT: ChartPalette = {
  edits: "#4f46e5", // indigo-600
  runs: "#059669", // emerald-600
  failedRuns: "#dc2626", // red-600
  hands: "#d97706", // amber-600
  text: "#475569", // slate-600
  grid: "#e2e8f0", // slate-200
  tooltip: "#0f172a", // slate-900
  tooltipText: "#f8fafc", // slate-50
};

const DARK: ChartPalette = {
  edits: "#818cf8", // indigo-400
  runs: "#34d399", // emerald-400
  failedRuns: "#f87171", // red-400
  hands: "#fbbf24", // amber-400
  text: "#94a3b8", // slate-400
  grid: "#1e293b", // slate-800
  tooltip: "#f1f5f9", // slate-100
  tooltipText: "#0f172a", // slate-900
};

/** The charts' colours for the dark or the light theme. */
export function chartPalette(dark: boolean): ChartPalette {
  return dark ? DARK : LIGHT;
}

/** `#rrggbb` at `alpha` opacity, as an rgba() colour (bar fills under their solid border). */
export function withAlpha(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}
