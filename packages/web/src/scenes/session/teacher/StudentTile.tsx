import { type Hand, LANGUAGE_INFO } from "@observer/protocol";
import { memo, useSyncExternalStore } from "react";
import { Link } from "react-router";
import { AiTileBadge } from "../../../ai/AiTileBadge.tsx";
import { HandBadge } from "../../../hands/HandBadge.tsx";
import type { StudentFeed, StudentSnapshot } from "../../../live/student-feed.ts";
import { RunBadge } from "../../../run/RunBadge.tsx";
import { useNow } from "../../../ui/useNow.ts";
import { EditedAgo } from "./Ago.tsx";
import { type RosterFilter, whyShown } from "./arrange.ts";
import { CodePreview } from "./CodePreview.tsx";
import { useClassroom } from "./classroom-context.ts";
import { RunTail } from "./RunTail.tsx";

/** A green dot for online, a grey ring for offline. */
export function OnlineDot({ online }: { online: boolean }) {
  return (
    <span
      aria-hidden="true"
      className={`size-2.5 shrink-0 rounded-full ${
        online
          ? "bg-emerald-500 ring-4 ring-emerald-500/20"
          : "border-2 border-slate-300 dark:border-slate-600"
      }`}
    />
  );
}

/** Why the tile matches the dashboard's filters ("3 failed runs in a row · Idle 12 min"), ticking. */
function WhyShown({
  student,
  hand,
  filter,
}: {
  student: StudentSnapshot;
  hand: Hand | null;
  filter: RosterFilter;
}) {
  const now = useNow(5000);
  const reasons = whyShown(student, hand, filter, now);
  if (reasons.length === 0) return null;
  return (
    <p
      data-testid="tile-why"
      className="truncate px-3 pb-2 text-xs font-medium text-rose-700 dark:text-rose-300"
    >
      {reasons.join(" · ")}
    </p>
  );
}

/**
 * One student on the dashboard: name, online state, language, time since the last edit, why
 * it matches the filters, the live code, and the state and last lines of the latest run; the
 * whole tile is a link to the student's editor, ringed while the student's hand is up.
 * Re-renders only for its own student's changes (and the dashboard's filters).
 */
export const StudentTile = memo(function StudentTile({ feed }: { feed: StudentFeed }) {
  const student = useSyncExternalStore(feed.subscribe, feed.getSnapshot);
  const { classroom, view } = useClassroom();
  const hand = useSyncExternalStore(classroom.hands.subscribe, () => classroom.hands.handOf(student.id));
  return (
    <li className="[contain-intrinsic-size:auto_18rem] [content-visibility:auto]">
      <Link
        to={`students/${student.id}`}
        data-testid="student-tile"
        data-student-id={student.id}
        data-online={student.online}
        data-hand={hand !== null}
        className={`group block overflow-hidden rounded-xl border bg-white shadow-sm transition hover:border-indigo-400 hover:shadow-md dark:bg-slate-900 dark:hover:border-indigo-500 ${
          hand
            ? "border-amber-500 ring-2 ring-amber-400/60 dark:border-amber-400"
            : "border-slate-200 dark:border-slate-800"
        }`}
      >
        <div className="flex items-center gap-2 px-3 pt-2.5">
          <OnlineDot online={student.online} />
          <span
            data-testid="tile-name"
            className="min-w-0 flex-1 truncate text-sm font-semibold text-slate-900 group-hover:text-indigo-700 dark:text-white dark:group-hover:text-indigo-300"
          >
            {student.name}
          </span>
          <HandBadge queue={classroom.hands} userId={student.id} />
          <AiTileBadge log={classroom.aiLog} userId={student.id} />
          {student.lastRun && <RunBadge run={student.lastRun} />}
          {student.language && (
            <span className="shrink-0 rounded-md bg-slate-100 px-1.5 py-0.5 text-[11px] font-medium text-slate-600 dark:bg-slate-800 dark:text-slate-300">
              {LANGUAGE_INFO[student.language].label}
            </span>
          )}
        </div>
        <p className="truncate px-3 pt-0.5 pb-2 text-xs text-slate-500 dark:text-slate-400">
          <span className={student.online ? "text-emerald-700 dark:text-emerald-400" : ""}>
            {student.online ? "Online" : "Offline"}
          </span>
          {" · "}
          <EditedAgo at={student.lastEditAt} />
          {student.documentState === "refused" && " · code unavailable"}
        </p>
        <WhyShown student={student} hand={hand} filter={view.filter} />
        {/* The link's name is its visible text up to here (WCAG 2.5.3); the code and the output
            are for the eye, read in full in the focus view the link opens. */}
        <div aria-hidden="true">
          <CodePreview feed={feed} language={student.language} />
          <RunTail run={student.lastRun} />
        </div>
      </Link>
    </li>
  );
});
