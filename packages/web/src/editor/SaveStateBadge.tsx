import type { SaveState } from "../live/provider-state.ts";

const LABELS: Record<SaveState, { text: string; title: string; dot: string }> = {
  connecting: {
    text: "Connecting…",
    title: "Opening your code on the server",
    dot: "bg-amber-400 animate-pulse",
  },
  saved: { text: "Saved", title: "Every change is on the server", dot: "bg-emerald-500" },
  saving: { text: "Saving…", title: "Sending your latest changes", dot: "bg-sky-500 animate-pulse" },
  offline: {
    text: "Offline — changes kept",
    title: "No connection. Keep typing: your changes are kept here and merged when the connection is back.",
    dot: "bg-slate-400",
  },
  refused: { text: "No access", title: "The server refused this code", dot: "bg-red-500" },
  unsaved: {
    text: "Not saved",
    title:
      "The server no longer takes changes (the session ended): your last changes are only in this browser. Download your code to keep them.",
    dot: "bg-red-500",
  },
};

/** The connection and save state beside an editor; announced politely when it changes. */
export function SaveStateBadge({ state }: { state: SaveState }) {
  const { text, title, dot } = LABELS[state];
  return (
    <span
      role="status"
      data-testid="save-state"
      data-state={state}
      title={title}
      className="inline-flex items-center gap-2 rounded-full bg-slate-100 px-3 py-1 text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-200"
    >
      <span className={`size-2 rounded-full ${dot}`} aria-hidden="true" />
      {text}
    </span>
  );
}
