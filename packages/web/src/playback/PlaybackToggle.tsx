const SEGMENT =
  "h-9 px-3 text-sm font-semibold transition-colors focus-visible:relative focus-visible:outline-2 focus-visible:outline-indigo-600";
const ON = "bg-indigo-600 text-white dark:bg-indigo-500";
const OFF =
  "bg-white text-slate-700 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700";

/** "Live code | Playback": which of the two a code view shows. */
export function PlaybackToggle({ on, onChange }: { on: boolean; onChange: (playback: boolean) => void }) {
  return (
    <fieldset className="flex overflow-hidden rounded-lg border border-slate-300 shadow-sm dark:border-slate-600">
      <legend className="sr-only">View</legend>
      <button
        type="button"
        aria-pressed={!on}
        onClick={() => onChange(false)}
        className={`${SEGMENT} ${on ? OFF : ON}`}
      >
        Live code
      </button>
      <button
        type="button"
        aria-pressed={on}
        onClick={() => onChange(true)}
        className={`${SEGMENT} ${on ? ON : OFF} border-l border-slate-300 dark:border-slate-600`}
      >
        Playback
      </button>
    </fieldset>
  );
}
