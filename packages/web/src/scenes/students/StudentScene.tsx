import { LANGUAGE_INFO, type StudentSession } from "@observer/protocol";
import { Link, useParams } from "react-router";
import { api } from "../../api/client.ts";
import { ApiError, errorMessage } from "../../api/errors.ts";
import { useQuery } from "../../api/useQuery.ts";
import { Alert } from "../../ui/Alert.tsx";
import { StatusBadge } from "../../ui/Badge.tsx";
import { buttonClasses } from "../../ui/Button.tsx";
import { Card } from "../../ui/Card.tsx";
import { formatWhen } from "../../ui/format.ts";
import { Loading } from "../../ui/Spinner.tsx";
import { useTitle } from "../../ui/useTitle.ts";

const TH = "px-3 py-2 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400";
const TD = "px-3 py-2.5 whitespace-nowrap";
const NUM = `${TD} text-right tabular-nums`;
const HEADERS = [
  "Session",
  "Date",
  "Language",
  "Status",
  "Edits",
  "Runs",
  "Failed",
  "Hands",
  "Pastes",
] as const;

/**
 * `/students/:userId` (teachers, admins): one student across the caller's sessions, newest
 * first, each with the student's figures in it and a link to its analytics.
 */
export function StudentScene() {
  const { userId = "" } = useParams();
  const reply = useQuery(`student-sessions:${userId}`, () =>
    api.call("studentSessions", { params: { userId } }),
  );
  useTitle(reply.data?.student.name ?? "Student");

  if (reply.data === undefined) {
    if (reply.error === null) return <Loading label="Loading the student…" />;
    const missing = reply.error instanceof ApiError && [403, 404].includes(reply.error.status);
    return (
      <div className="mx-auto max-w-lg space-y-6">
        <Alert tone="error" title={missing ? "Student not found" : "Could not load the student"}>
          {missing ? "This student is in none of your sessions." : errorMessage(reply.error)}
        </Alert>
        <Link to="/" className={buttonClasses()}>
          Go to the home page
        </Link>
      </div>
    );
  }

  const { student, sessions } = reply.data;
  const newestFirst = [...sessions].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <div className="space-y-5">
      <nav aria-label="Back">
        <Link to="/" className={buttonClasses("ghost", "px-2")}>
          <span aria-hidden="true">←</span> Your sessions
        </Link>
      </nav>
      <div className="pl-1">
        <p className="text-sm font-semibold text-indigo-700 dark:text-indigo-300">Student</p>
        <h1 className="text-2xl font-bold tracking-tight break-words text-slate-900 dark:text-white">
          {student.name}
        </h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {sessions.length} {sessions.length === 1 ? "session" : "sessions"} of yours
        </p>
      </div>
      <Card title="Sessions">
        {sessions.length === 0 ? (
          <p className="text-slate-600 dark:text-slate-400">They have not joined any of your sessions.</p>
        ) : (
          <div className="-mx-5 overflow-x-auto sm:-mx-6">
            <table className="min-w-full text-sm">
              <thead className="border-b border-slate-200 dark:border-slate-800">
                <tr>
                  {HEADERS.map((header, i) => (
                    <th
                      key={header}
                      scope="col"
                      className={`${TH} ${i < 4 ? "text-left" : "text-right"} ${i === 0 ? "pl-5 sm:pl-6" : ""} ${i === HEADERS.length - 1 ? "pr-5 sm:pr-6" : ""}`}
                    >
                      {header}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                {newestFirst.map((s) => (
                  <SessionRow key={s.sessionId} session={s} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}

function SessionRow({ session: s }: { session: StudentSession }) {
  return (
    <tr data-testid="student-session-row" className="hover:bg-slate-50 dark:hover:bg-slate-800/40">
      <th scope="row" className={`${TD} pl-5 text-left font-medium sm:pl-6`}>
        <Link
          to={`/sessions/${s.sessionId}/analytics`}
          className="text-indigo-700 hover:underline dark:text-indigo-300"
        >
          {s.name}
        </Link>
      </th>
      <td className={`${TD} text-slate-600 dark:text-slate-400`}>
        <time dateTime={s.createdAt}>{formatWhen(s.createdAt)}</time>
      </td>
      <td className={TD}>{LANGUAGE_INFO[s.language].label}</td>
      <td className={TD}>
        <StatusBadge status={s.status} />
      </td>
      <td className={NUM}>{s.edits}</td>
      <td className={NUM}>{s.runs}</td>
      <td className={NUM}>{s.failedRuns}</td>
      <td className={NUM}>{s.hands}</td>
      <td className={`${NUM} pr-5 sm:pr-6`}>{s.pastes}</td>
    </tr>
  );
}
