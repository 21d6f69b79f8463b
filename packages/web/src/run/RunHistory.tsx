import { LANGUAGE_INFO, type RunHistoryEntry } from "@observer/protocol";
import { useId, useState } from "react";
import { api } from "../api/client.ts";
import { useQuery } from "../api/useQuery.ts";
import { ErrorAlert } from "../ui/ErrorAlert.tsx";
import { formatWhen } from "../ui/format.ts";
import { Spinner } from "../ui/Spinner.tsx";
import { stripAnsi } from "./ansi.ts";
import { RunBadge } from "./RunBadge.tsx";
import { formatDuration } from "./run-status.ts";

/** How many of the newest runs the history shows. */
const HISTORY_LENGTH = 50;

/**
 * One student's runs in a session, newest first: when, language, how it ended, how long; any
 * run's output opens below it. Loads again whenever `refreshKey` changes (the student's latest
 * run started or ended).
 */
export function RunHistory({
  sessionId,
  userId,
  refreshKey,
  heading = "Run history",
}: {
  sessionId: string;
  userId: string;
  refreshKey: string;
  heading?: string;
}) {
  const headingId = useId();
  const [openRun, setOpenRun] = useState<string | null>(null);
  const history = useQuery(`${sessionId}/${userId}/${refreshKey}`, () =>
    api.call("listSessionRuns", { params: { id: sessionId }, query: { userId, limit: HISTORY_LENGTH } }),
  );
  const runs = history.data?.runs ?? [];
  return (
    <section
      aria-labelledby={headingId}
      className="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="mb-2 flex items-center gap-2">
        <h2 id={headingId} className="text-base font-semibold text-slate-900 dark:text-white">
          {heading}
        </h2>
        {history.loading && <Spinner className="size-4" />}
      </div>
      <ErrorAlert error={history.error} />
      {!history.loading && !history.error && runs.length === 0 && (
        <p className="text-sm text-slate-500 dark:text-slate-400">No runs yet.</p>
      )}
      {runs.length > 0 && (
        <ol className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="run-history">
          {runs.map((run) => (
            <RunHistoryRow
              key={run.id}
              run={run}
              open={openRun === run.id}
              onToggle={() => setOpenRun(openRun === run.id ? null : run.id)}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function RunHistoryRow({
  run,
  open,
  onToggle,
}: {
  run: RunHistoryEntry;
  open: boolean;
  onToggle: () => void;
}) {
  const outputId = useId();
  return (
    <li className="py-2" data-testid="run-history-row">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <time dateTime={run.createdAt} className="w-28 shrink-0 text-slate-500 dark:text-slate-400">
          {formatWhen(run.createdAt)}
        </time>
        <span className="w-24 shrink-0 text-slate-700 dark:text-slate-300">
          {LANGUAGE_INFO[run.language].label}
        </span>
        <RunBadge run={run} title="Run" />
        <span className="text-slate-500 dark:text-slate-400">
          {run.durationMs === null ? "" : formatDuration(run.durationMs)}
        </span>
        <button
          type="button"
          onClick={onToggle}
          aria-expanded={open}
          aria-controls={outputId}
          className="ml-auto rounded-md px-2 py-1 text-sm font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-300 dark:hover:bg-indigo-950"
        >
          {open ? "Hide output" : "Show output"}
        </button>
      </div>
      {open && (
        <div id={outputId}>
          <RunOutput runId={run.id} />
        </div>
      )}
    </li>
  );
}

/** A past run's whole output, as plain text. */
export function RunOutput({ runId }: { runId: string }) {
  const run = useQuery(runId, () => api.call("getRun", { params: { runId } }));
  if (run.loading) return <Spinner className="mt-2 size-4" />;
  if (run.error) return <ErrorAlert error={run.error} className="mt-2" />;
  const output = stripAnsi(run.data?.run.output ?? "");
  return (
    <div className="mt-2">
      <pre className="max-h-64 overflow-auto rounded-lg bg-slate-950 p-3 font-mono text-xs whitespace-pre-wrap text-slate-100">
        {output || "(no output)"}
      </pre>
      {run.data?.run.outputTruncated && (
        <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
          The output was too long: only part of it was kept.
        </p>
      )}
    </div>
  );
}
