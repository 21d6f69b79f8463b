import { useId } from "react";
import {
  type RosterFilter,
  SHOW_HINTS,
  SHOW_KEYS,
  SHOW_LABELS,
  type ShowKey,
  SORT_LABELS,
  type SortKey,
} from "./arrange.ts";
import type { DashboardView } from "./classroom-context.ts";

const IDLE_CHOICES = [1, 2, 5, 10, 15] as const;

const CONTROL =
  "h-9 rounded-lg border border-slate-300 bg-white px-2 text-sm text-slate-900 shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/40 focus:outline-none dark:border-slate-600 dark:bg-slate-950 dark:text-slate-100";
const LABEL = "text-sm font-medium text-slate-700 dark:text-slate-300";
const CHIP =
  "inline-flex h-8 items-center gap-1.5 rounded-full border px-3 text-sm font-medium shadow-sm transition focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none dark:focus-visible:ring-offset-slate-900";
const CHIP_OFF =
  "border-slate-300 bg-white text-slate-700 hover:border-indigo-400 hover:text-indigo-700 dark:border-slate-600 dark:bg-slate-950 dark:text-slate-200 dark:hover:text-indigo-300";
const CHIP_ON = "border-indigo-600 bg-indigo-600 text-white dark:border-indigo-400 dark:bg-indigo-500";

/** "5 with errors", "1 hand raised". */
const countText = (key: ShowKey, count: number) =>
  `${count} ${count === 1 ? SHOW_LABELS[key].one : SHOW_LABELS[key].many}`;

/**
 * Search, sort and filters of the dashboard, and how many tiles they leave. "Show" picks one
 * group of students (hands raised, with errors...), each with its count in the whole class;
 * online only, idle for and the search narrow whichever is picked.
 */
export function DashboardToolbar({
  view,
  onChange,
  shown,
  total,
  counts,
}: {
  view: DashboardView;
  onChange: (view: DashboardView) => void;
  shown: number;
  total: number;
  /** How many students each "show" choice holds. */
  counts: Record<ShowKey, number>;
}) {
  const ids = { search: useId(), sort: useId(), online: useId(), idle: useId() };
  const filter = (patch: Partial<RosterFilter>) =>
    onChange({ ...view, filter: { ...view.filter, ...patch } });
  return (
    <search
      aria-label="Find and sort students"
      className="flex flex-wrap items-center gap-x-5 gap-y-2 rounded-xl border border-slate-200 bg-white px-4 py-2.5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-center gap-2">
        <label htmlFor={ids.search} className="sr-only">
          Search students
        </label>
        <input
          id={ids.search}
          type="search"
          placeholder="Search students"
          value={view.filter.query}
          onChange={(e) => filter({ query: e.target.value })}
          className={`${CONTROL} w-48 px-3`}
        />
      </div>
      <div className="flex items-center gap-2">
        <label htmlFor={ids.sort} className={LABEL}>
          Sort
        </label>
        <select
          id={ids.sort}
          value={view.sort}
          onChange={(e) => onChange({ ...view, sort: e.target.value as SortKey })}
          className={CONTROL}
        >
          {(Object.keys(SORT_LABELS) as SortKey[]).map((key) => (
            <option key={key} value={key}>
              {SORT_LABELS[key]}
            </option>
          ))}
        </select>
      </div>
      <div className="flex items-center gap-2">
        <input
          id={ids.online}
          type="checkbox"
          checked={view.filter.onlineOnly}
          onChange={(e) => filter({ onlineOnly: e.target.checked })}
          className="size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500 dark:border-slate-600"
        />
        <label htmlFor={ids.online} className={LABEL}>
          Online only
        </label>
      </div>
      <div className="flex items-center gap-2">
        <label htmlFor={ids.idle} className={LABEL}>
          Idle for
        </label>
        <select
          id={ids.idle}
          value={view.filter.idleMinutes ?? ""}
          onChange={(e) => filter({ idleMinutes: e.target.value === "" ? null : Number(e.target.value) })}
          className={CONTROL}
        >
          <option value="">any time</option>
          {IDLE_CHOICES.map((minutes) => (
            <option key={minutes} value={minutes}>
              ≥ {minutes} min
            </option>
          ))}
        </select>
      </div>
      <p className="ml-auto text-sm text-slate-500 dark:text-slate-400" aria-live="polite">
        {shown === total
          ? `${total} ${total === 1 ? "student" : "students"}`
          : `Showing ${shown} of ${total}`}
      </p>
      <fieldset className="min-w-0 basis-full">
        <legend className="sr-only">Show</legend>
        <div className="flex flex-wrap items-center gap-2">
          <span aria-hidden="true" className={LABEL}>
            Show
          </span>
          {SHOW_KEYS.map((key) => {
            const on = view.filter.show === key;
            return (
              <button
                key={key}
                type="button"
                aria-pressed={on}
                data-show={key}
                title={SHOW_HINTS[key]}
                onClick={() => filter({ show: key })}
                className={`${CHIP} ${on ? CHIP_ON : CHIP_OFF}`}
              >
                {key === "all" ? `All ${countText(key, counts[key])}` : countText(key, counts[key])}
              </button>
            );
          })}
          <span className="text-xs text-slate-500 dark:text-slate-400">
            one at a time; online only, idle and search narrow it
          </span>
        </div>
      </fieldset>
    </search>
  );
}
