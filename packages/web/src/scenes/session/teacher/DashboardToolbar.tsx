import { useId } from "react";
import { type RosterFilter, SORT_LABELS, type SortKey } from "./arrange.ts";
import type { DashboardView } from "./classroom-context.ts";

const IDLE_CHOICES = [1, 2, 5, 10, 15] as const;

const CONTROL =
  "h-9 rounded-lg border border-slate-300 bg-white px-2 text-sm text-slate-900 shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/40 focus:outline-none dark:border-slate-600 dark:bg-slate-950 dark:text-slate-100";
const LABEL = "text-sm font-medium text-slate-700 dark:text-slate-300";

/** Search, sort and filters of the dashboard, and how many tiles they leave. */
export function DashboardToolbar({
  view,
  onChange,
  shown,
  total,
}: {
  view: DashboardView;
  onChange: (view: DashboardView) => void;
  shown: number;
  total: number;
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
    </search>
  );
}
