import { useId } from "react";
import { RunOutput } from "../run/RunHistory.tsx";
import { formatDuration } from "../run/run-status.ts";
import { Button } from "../ui/Button.tsx";
import { RUN_COLORS, RUN_OUTCOME_NAMES } from "./marker-style.ts";
import { formatClock, formatOffset } from "./playback-clock.ts";
import { type Marker, markerText } from "./timeline-markers.ts";

/**
 * The event picked on the timeline: what it was and when; a run's output (fetched when picked);
 * for a paste or a teacher's edit, a step to the code just after it (the marker itself shows the
 * code as it was when it happened). With nothing picked, a summary of the recording.
 */
export function EventDetails({
  marker,
  from,
  counts,
  onClose,
  onShowAfter,
}: {
  marker: Marker | null;
  from: number;
  counts: { runs: number; pastes: number; hands: number };
  onClose: () => void;
  /** Moves to the first saved moment after the marker, or null when there is none. */
  onShowAfter: (() => void) | null;
}) {
  const headingId = useId();
  if (!marker) {
    return (
      <section
        aria-label="Event"
        className="flex h-full flex-col justify-center gap-3 rounded-xl border border-dashed border-slate-300 p-5 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-300"
      >
        <p className="font-medium text-slate-800 dark:text-slate-100">
          {plural(counts.runs, "run")} · {plural(counts.pastes, "paste")} ·{" "}
          {plural(counts.hands, "raised hand")}
        </p>
        <p>Pick a marker on the timeline to see that moment and what happened, or press Play.</p>
        <Legend />
      </section>
    );
  }
  const { event } = marker;
  return (
    <section
      aria-labelledby={headingId}
      data-testid="playback-event"
      className="flex h-full min-h-0 flex-col gap-2 rounded-xl border border-slate-200 bg-slate-50 p-4 dark:border-slate-800 dark:bg-slate-950/40"
    >
      <div className="flex items-start gap-2">
        <div className="min-w-0 flex-1">
          <h3 id={headingId} className="text-sm font-semibold text-slate-900 dark:text-white">
            {markerText(event)}
          </h3>
          <p className="text-xs text-slate-500 dark:text-slate-400">
            <time dateTime={event.at}>{formatClock(marker.at)}</time> · {formatOffset(marker.at - from)} into
            the session
            {event.kind === "run" && event.durationMs !== null && (
              <> · ran {formatDuration(event.durationMs)}</>
            )}
          </p>
        </div>
        <button
          type="button"
          onClick={onClose}
          aria-label="Close the event"
          className="rounded-md px-1.5 text-lg leading-none text-slate-500 hover:bg-slate-200 hover:text-slate-800 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-slate-100"
        >
          ×
        </button>
      </div>
      {event.kind === "run" && (
        <div className="min-h-0 flex-1 overflow-auto" data-testid="playback-run-output">
          <RunOutput runId={event.runId} />
        </div>
      )}
      {event.kind === "hand" && event.message.trim() !== "" && (
        <blockquote className="rounded-lg border-l-4 border-amber-400 bg-white px-3 py-2 text-sm text-slate-800 dark:bg-slate-900 dark:text-slate-100">
          {event.message}
        </blockquote>
      )}
      {(event.kind === "paste" || event.kind === "teacher_edit") && (
        <>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            The editor shows the code as it was just before.
            {event.kind === "paste" &&
              " A paste is one insertion of many characters at once: it may be starter code, the teacher’s code or the student’s own."}
          </p>
          {onShowAfter && (
            <Button variant="secondary" className="self-start" onClick={onShowAfter}>
              Show the code after it
            </Button>
          )}
        </>
      )}
    </section>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The run colours and the other markers' shapes. */
function Legend() {
  return (
    <ul
      aria-label="Legend"
      className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-500 dark:text-slate-400"
    >
      {(Object.keys(RUN_COLORS) as (keyof typeof RUN_COLORS)[]).map((outcome) => (
        <li key={outcome} className="flex items-center gap-1">
          <span aria-hidden="true" className={`size-2.5 rounded-full ${RUN_COLORS[outcome]}`} /> Run{" "}
          {RUN_OUTCOME_NAMES[outcome]}
        </li>
      ))}
      <li className="flex items-center gap-1">
        <span aria-hidden="true" className="size-2.5 rotate-45 rounded-[2px] bg-violet-500" /> Paste
      </li>
      <li className="flex items-center gap-1">
        <span aria-hidden="true" className="size-2.5 rounded-full bg-amber-400" /> Hand
      </li>
      <li className="flex items-center gap-1">
        <span aria-hidden="true" className="size-2.5 rounded-[3px] bg-teal-500" /> Teacher edit
      </li>
    </ul>
  );
}
