import { type BadgedRun, runBadge, type StatusTone } from "./run-status.ts";

const TONES: Record<StatusTone, string> = {
  muted:
    "bg-slate-100 text-slate-600 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-400/30",
  busy: "bg-indigo-50 text-indigo-700 ring-indigo-600/20 dark:bg-indigo-950 dark:text-indigo-200 dark:ring-indigo-400/30",
  success:
    "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-400/30",
  error: "bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-950 dark:text-red-300 dark:ring-red-400/30",
  warning:
    "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-400/30",
};

/** A small pill with a run's state: "Running", "Exit 1", "Timed out", "Memory limit"… */
export function RunBadge({ run, title = "Last run" }: { run: BadgedRun; title?: string }) {
  const badge = runBadge(run);
  return (
    <span
      data-testid="run-badge"
      data-tone={badge.tone}
      title={`${title}: ${badge.text}`}
      className={`inline-flex shrink-0 items-center gap-1 rounded-md px-1.5 py-0.5 text-[11px] font-semibold ring-1 ring-inset ${TONES[badge.tone]}`}
    >
      {badge.tone === "busy" && (
        <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-current" />
      )}
      {badge.text}
    </span>
  );
}
