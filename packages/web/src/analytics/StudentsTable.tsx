import type { StudentAnalytics } from "@observer/protocol";
import { useMemo, useState } from "react";
import { Link } from "react-router";
import {
  DEFAULT_STUDENT_SORT,
  nextSort,
  type StudentColumn,
  type StudentSort,
  sortStudents,
  studentPastedShare,
} from "./student-sort.ts";

const COLUMNS: readonly { key: StudentColumn; label: string; title?: string }[] = [
  { key: "name", label: "Student" },
  { key: "edits", label: "Edits", title: "Changes to the code (about one a keystroke)" },
  { key: "charactersTyped", label: "Typed", title: "Characters typed (pastes not included)" },
  { key: "pastes", label: "Pastes", title: "Insertions of many characters at once, and how many characters" },
  {
    key: "pastedShare",
    label: "Pasted",
    title: "The share of the characters they added that arrived by paste (a signal, not a verdict)",
  },
  { key: "runs", label: "Runs" },
  { key: "failedRuns", label: "Failed", title: "Runs that ended with an error" },
  { key: "hands", label: "Hands", title: "Hands raised" },
  { key: "activeMinutes", label: "Active min", title: "Minutes in which the student edited or ran code" },
  {
    key: "firstSuccessAt",
    label: "First success",
    title: "Their first run that succeeded, and how long after joining",
  },
];

const TH = "py-2 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400";
const TD = "px-3 py-2.5 whitespace-nowrap";
const NUM = `${TD} text-right tabular-nums`;
const MUTED = "text-slate-500 dark:text-slate-400";

const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
const count = new Intl.NumberFormat();
const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 0 });

/**
 * Each student's figures over the session, one row each, sorted by name until a column's
 * header is clicked (again to reverse). Numbers line up on the right; a name opens the
 * student's page across sessions.
 */
export function StudentsTable({ students }: { students: readonly StudentAnalytics[] }) {
  const [sort, setSort] = useState<StudentSort>(DEFAULT_STUDENT_SORT);
  const rows = useMemo(() => sortStudents(students, sort), [students, sort]);
  const sortedBy = COLUMNS.find((c) => c.key === sort.column)?.label ?? "";
  return (
    <div className="-mx-5 overflow-x-auto sm:-mx-6">
      <table className="min-w-full text-sm">
        <caption className="sr-only">
          Students, sorted by {sortedBy} ({sort.direction}). Click a column header to sort.
        </caption>
        <thead className="border-b border-slate-200 dark:border-slate-800">
          <tr>
            {COLUMNS.map(({ key, label, title }, i) => {
              const active = sort.column === key;
              const numeric = key !== "name";
              return (
                <th
                  key={key}
                  scope="col"
                  aria-sort={active ? sort.direction : undefined}
                  title={title}
                  className={`${TH} ${i === 0 ? "pr-1 pl-3 text-left sm:pl-4" : i === COLUMNS.length - 1 ? "pr-3 pl-1 text-right sm:pr-4" : "px-1 text-right"}`}
                >
                  <button
                    type="button"
                    onClick={() => setSort((current) => nextSort(current, key))}
                    className={`group inline-flex items-center gap-1 rounded-md px-2 py-1 uppercase hover:bg-slate-100 hover:text-slate-900 dark:hover:bg-slate-800 dark:hover:text-white ${numeric ? "flex-row-reverse" : ""} ${active ? "text-slate-900 dark:text-white" : ""}`}
                  >
                    {label}
                    <SortArrow direction={active ? sort.direction : null} />
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {rows.map((s) => (
            <tr
              key={s.userId}
              data-testid="analytics-row"
              data-user-id={s.userId}
              className="hover:bg-slate-50 dark:hover:bg-slate-800/40"
            >
              <th scope="row" className={`${TD} pl-5 text-left font-medium sm:pl-6`}>
                <Link
                  to={`/students/${s.userId}`}
                  className="text-indigo-700 hover:underline dark:text-indigo-300"
                  data-testid="student-name"
                >
                  {s.name}
                </Link>
              </th>
              <td className={NUM}>{count.format(s.edits)}</td>
              <td className={NUM}>{count.format(s.charactersTyped)}</td>
              <td className={NUM}>
                {count.format(s.pastes)}
                {s.pastes > 0 && <span className={MUTED}> ({count.format(s.charactersPasted)} chars)</span>}
              </td>
              <td className={NUM}>
                {s.charactersTyped + s.charactersPasted === 0 ? (
                  <span className={MUTED}>—</span>
                ) : (
                  percent.format(studentPastedShare(s))
                )}
              </td>
              <td className={NUM}>{count.format(s.runs)}</td>
              <td className={NUM}>
                <span className={s.failedRuns > 0 ? "text-red-700 dark:text-red-300" : undefined}>
                  {count.format(s.failedRuns)}
                </span>
              </td>
              <td className={NUM}>{count.format(s.hands)}</td>
              <td className={NUM}>{count.format(s.activeMinutes)}</td>
              <td className={`${NUM} pr-5 sm:pr-6`}>
                <FirstSuccess at={s.firstSuccessAt} minutes={s.minutesToFirstSuccess} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FirstSuccess({ at, minutes }: { at: string | null; minutes: number | null }) {
  if (at === null) {
    return (
      <span className={MUTED} title="No run of theirs succeeded">
        <span aria-hidden="true">—</span>
        <span className="sr-only">none</span>
      </span>
    );
  }
  return (
    <>
      <time dateTime={at}>{timeOfDay.format(new Date(at))}</time>
      {minutes !== null && (
        <span className={MUTED} title="Minutes after they joined">
          {" "}
          +{Math.round(minutes)} min
        </span>
      )}
    </>
  );
}

function SortArrow({ direction }: { direction: "ascending" | "descending" | null }) {
  return (
    <svg
      viewBox="0 0 12 12"
      aria-hidden="true"
      className={`size-3 ${direction ? "" : "opacity-0 group-hover:opacity-40"}`}
      fill="currentColor"
    >
      {direction === "descending" ? <path d="M6 9 2 4h8z" /> : <path d="M6 3 2 8h8z" />}
    </svg>
  );
}
