import { LANGUAGE_INFO } from "@observer/protocol";
import { Link } from "react-router";
import { ActivityCharts } from "../../../analytics/ActivityCharts.tsx";
import { DownloadCsvButton } from "../../../analytics/DownloadCsvButton.tsx";
import { StudentsTable } from "../../../analytics/StudentsTable.tsx";
import { api } from "../../../api/client.ts";
import { errorMessage } from "../../../api/errors.ts";
import { useQuery } from "../../../api/useQuery.ts";
import { Alert } from "../../../ui/Alert.tsx";
import { StatusBadge } from "../../../ui/Badge.tsx";
import { Button, buttonClasses } from "../../../ui/Button.tsx";
import { Card } from "../../../ui/Card.tsx";
import { formatDateTime } from "../../../ui/format.ts";
import { Loading } from "../../../ui/Spinner.tsx";
import { useTitle } from "../../../ui/useTitle.ts";
import { useClassroom } from "./classroom-context.ts";

/**
 * `/sessions/:id/analytics`: the session's activity a minute at a time (charts) and each
 * student's figures (a sortable table, also as CSV). Loaded lazily: Chart.js comes with it.
 */
export default function SessionAnalytics() {
  const { session } = useClassroom();
  useTitle(`Analytics · ${session.name}`);
  const analytics = useQuery(`analytics:${session.id}`, () =>
    api.call("sessionAnalytics", { params: { id: session.id } }),
  );
  const students = analytics.data?.students ?? [];
  const when = session.endedAt
    ? `${formatDateTime(session.createdAt)} – ${formatDateTime(session.endedAt)}`
    : `since ${formatDateTime(session.createdAt)}`;

  return (
    <div className="space-y-5">
      <nav aria-label="Session">
        <Link to={`/sessions/${session.id}`} className={buttonClasses("ghost", "px-2")}>
          <span aria-hidden="true">←</span> Dashboard
        </Link>
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-3">
        <div className="min-w-0 pl-1">
          <p className="text-sm font-semibold text-indigo-700 dark:text-indigo-300">Analytics</p>
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-bold tracking-tight break-words text-slate-900 dark:text-white">
              {session.name}
            </h1>
            <StatusBadge status={session.status} />
          </div>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            {LANGUAGE_INFO[session.language].label} · {when}
            {analytics.data && ` · ${students.length} ${students.length === 1 ? "student" : "students"}`}
          </p>
        </div>
        {analytics.data && (
          <div className="flex flex-wrap items-center gap-2">
            {session.status === "active" && (
              <Button variant="ghost" busy={analytics.loading} onClick={() => void analytics.reload()}>
                Refresh
              </Button>
            )}
            {students.length > 0 && <DownloadCsvButton sessionId={session.id} sessionName={session.name} />}
          </div>
        )}
      </div>
      {analytics.data === undefined ? (
        analytics.error === null ? (
          <Loading label="Loading the analytics…" />
        ) : (
          <Alert tone="error" title="Could not load the analytics">
            {errorMessage(analytics.error)}
          </Alert>
        )
      ) : students.length === 0 ? (
        <Card title="Nobody joined this session">
          <p className="text-slate-600 dark:text-slate-400">
            {session.status === "active"
              ? "Figures appear here once students join and start to code."
              : "No student joined it before it ended, so there is nothing to show."}
          </p>
        </Card>
      ) : (
        <>
          {analytics.error !== null && (
            <Alert tone="warning">Could not refresh: these are the figures from before.</Alert>
          )}
          <ActivityCharts minutes={analytics.data.minutes} />
          <Card title="Students">
            <StudentsTable students={students} />
          </Card>
        </>
      )}
    </div>
  );
}
