import type { RunMarkerOutcome } from "@observer/protocol";
import type { Marker, MarkerKind } from "./timeline-markers.ts";

/** The timeline's lanes, top to bottom, with their names. */
export const LANES: { kind: MarkerKind; label: string }[] = [
  { kind: "run", label: "Runs" },
  { kind: "paste", label: "Pastes" },
  { kind: "hand", label: "Hands" },
  { kind: "teacher_edit", label: "Teacher" },
];

/** A run marker's colour by its outcome. */
export const RUN_COLORS: Record<RunMarkerOutcome, string> = {
  succeeded: "bg-emerald-500",
  failed: "bg-red-500",
  no_verdict: "bg-slate-400 dark:bg-slate-500",
  running: "bg-blue-500",
};

export const RUN_OUTCOME_NAMES: Record<RunMarkerOutcome, string> = {
  succeeded: "succeeded",
  failed: "failed",
  no_verdict: "no result",
  running: "running",
};

/** The shape and colour of a marker's dot. */
export function markerDot(marker: Marker): string {
  const { event } = marker;
  switch (event.kind) {
    case "run":
      return `rounded-full ${RUN_COLORS[event.outcome]}`;
    case "paste":
      return "rotate-45 rounded-[2px] bg-violet-500";
    case "hand":
      return "rounded-full bg-amber-400 ring-2 ring-amber-600/40 ring-inset";
    case "teacher_edit":
      return "rounded-[3px] bg-teal-500";
  }
}
