import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { useEffect, useRef } from "react";

// Only what the analytics charts use (bars and lines over minutes), for the bundle's size.
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
);

/**
 * A Chart.js chart on its own canvas: created when mounted and whenever `config` changes
 * (memoize it), destroyed when unmounted. The canvas is an image named by `label`; the
 * figures it draws must also be readable elsewhere on the page (the table, a summary).
 */
export function ChartCanvas({
  config,
  label,
  className = "h-64",
}: {
  config: ChartConfiguration<"bar" | "line">;
  label: string;
  className?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <div className={`relative ${className}`}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
