import { LANGUAGE_INFO, type Session } from "@observer/protocol";
import { Link } from "react-router";
import { StatusBadge } from "../../ui/Badge.tsx";
import { formatWhen } from "../../ui/format.ts";

/** Active sessions first (newest first), then ended ones. */
export function sortSessions(sessions: readonly Session[]): Session[] {
  return [...sessions].sort((a, b) => {
    if (a.status !== b.status) return a.status === "active" ? -1 : 1;
    return b.createdAt.localeCompare(a.createdAt);
  });
}

/**
 * Sessions as a list of links to their pages. `viewer` decides the detail line: a teacher
 * sees the code and head-count, a student sees the teacher.
 */
export function SessionList({
  sessions,
  viewer,
  label,
}: {
  sessions: readonly Session[];
  viewer: "teacher" | "student";
  label: string;
}) {
  return (
    <ul aria-label={label} className="divide-y divide-slate-200 dark:divide-slate-800">
      {sortSessions(sessions).map((session) => (
        <li key={session.id}>
          <Link
            to={`/sessions/${session.id}`}
            className="-mx-2 flex items-center gap-4 rounded-lg px-2 py-3 hover:bg-slate-50 dark:hover:bg-slate-800/60"
          >
            <div className="min-w-0 flex-1">
              <p className="truncate font-medium text-slate-900 dark:text-white">{session.name}</p>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                {LANGUAGE_INFO[session.language].label}
                {" · "}
                {viewer === "student"
                  ? `with ${session.teacherName}`
                  : `${session.participantCount} ${session.participantCount === 1 ? "student" : "students"}`}
                {" · "}
                {formatWhen(session.createdAt)}
              </p>
            </div>
            {viewer === "teacher" && session.status === "active" && (
              <span className="font-mono text-sm font-semibold tracking-widest text-slate-700 max-sm:hidden dark:text-slate-300">
                {session.joinCode}
              </span>
            )}
            <StatusBadge status={session.status} />
          </Link>
        </li>
      ))}
    </ul>
  );
}
