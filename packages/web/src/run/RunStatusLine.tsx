import { Spinner } from "../ui/Spinner.tsx";
import { type RunState, type StatusTone, statusLine } from "./run-status.ts";

const TONES: Record<StatusTone, string> = {
  muted: "text-slate-500 dark:text-slate-400",
  busy: "text-indigo-700 dark:text-indigo-300",
  success: "text-emerald-700 dark:text-emerald-400",
  error: "text-red-700 dark:text-red-400",
  warning: "text-amber-700 dark:text-amber-400",
};

const DOTS: Record<Exclude<StatusTone, "busy">, string> = {
  muted: "bg-slate-300 dark:bg-slate-600",
  success: "bg-emerald-500",
  error: "bg-red-500",
  warning: "bg-amber-500",
};

/** "Running…", "Finished after 42 ms", "Compile failed"…: where a terminal's run stands. */
export function RunStatusLine({ state }: { state: RunState }) {
  const line = statusLine(state);
  return (
    <p
      role="status"
      data-testid="run-status"
      data-tone={line.tone}
      className={`flex min-w-0 items-center gap-2 text-sm font-medium ${TONES[line.tone]}`}
    >
      {line.tone === "busy" ? (
        <Spinner className="size-3.5 shrink-0" />
      ) : (
        <span aria-hidden="true" className={`size-2 shrink-0 rounded-full ${DOTS[line.tone]}`} />
      )}
      <span className="truncate" title={line.text}>
        {line.text}
      </span>
      {line.notes.map((note) => (
        <span
          key={note}
          className="shrink-0 rounded-md bg-amber-100 px-1.5 py-0.5 text-[11px] font-semibold text-amber-800 dark:bg-amber-900/50 dark:text-amber-200"
        >
          {note}
        </span>
      ))}
    </p>
  );
}
