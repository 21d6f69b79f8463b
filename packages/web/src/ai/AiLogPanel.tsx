import type { AiDigestReply, AiLogEntry, Language, Session } from "@observer/protocol";
import { lazy, Suspense, useId, useState, useSyncExternalStore } from "react";
import { Link } from "react-router";
import { api } from "../api/client.ts";
import { useQuery } from "../api/useQuery.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorAlert } from "../ui/ErrorAlert.tsx";
import { formatSince, formatWhen } from "../ui/format.ts";
import { useAction } from "../ui/useAction.ts";
import { useNow } from "../ui/useNow.ts";
import { AiSessionControls } from "./AiSessionControls.tsx";
import type { AiLog } from "./ai-log.ts";
import { answerPreview } from "./answer-preview.ts";
import { ClassDigest } from "./ClassDigest.tsx";
import { KIND_LABELS } from "./exchange.ts";

/** The full answer, Markdown rendered safely; loaded when a teacher first opens one. */
const FullAnswer = lazy(() => import("./FullAnswer.tsx"));

/** Exchanges shown before "Show all". */
const SHOWN = 20;

const STATUS_STYLES: Record<AiLogEntry["status"], { text: string; className: string }> = {
  streaming: {
    text: "answering…",
    className: "bg-indigo-100 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100",
  },
  answered: {
    text: "answered",
    className: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100",
  },
  failed: { text: "failed", className: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100" },
  cancelled: {
    text: "cancelled",
    className: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200",
  },
};

/**
 * A warning while students would be told "not set up": the teacher has no AI service saved
 * (or no key where the provider needs one). Only the session's own teacher's settings count.
 */
function SetupWarning() {
  const query = useQuery("ai-settings", () => api.call("getAiSettings"));
  const settings = query.data?.settings;
  if (query.data === undefined) return null;
  const missing = !settings
    ? "no AI service"
    : !settings.apiKey && settings.provider !== "openai-compatible"
      ? "no API key"
      : null;
  if (!missing) return null;
  return (
    <p
      data-testid="ai-setup-warning"
      className="mt-2 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950/60 dark:text-amber-100"
    >
      You have {missing} set up yet: students who ask will be told AI help is not set up.{" "}
      <Link to="/settings" className="font-semibold underline">
        Set up AI help in Settings
      </Link>
    </p>
  );
}

function LogEntry({
  entry,
  sessionId,
  language,
  now,
  showName = true,
}: {
  entry: AiLogEntry;
  sessionId: string;
  language: Language;
  now: number;
  /** Off in one student's own list (their focus view). */
  showName?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const status = STATUS_STYLES[entry.status];
  return (
    <li className="py-2.5" data-testid="ai-log-entry" data-status={entry.status}>
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
        {showName && (
          <Link
            to={`/sessions/${sessionId}/students/${entry.userId}`}
            className="font-semibold text-slate-900 hover:text-indigo-700 hover:underline dark:text-white dark:hover:text-indigo-300"
          >
            {entry.name}
          </Link>
        )}
        <span className="text-slate-600 dark:text-slate-400">{KIND_LABELS[entry.kind]}</span>
        <span className={`rounded-md px-1.5 py-0.5 text-[11px] font-semibold ${status.className}`}>
          {status.text}
        </span>
        {entry.cut && (
          <span className="rounded-md bg-amber-100 px-1.5 py-0.5 text-[11px] font-semibold text-amber-900 dark:bg-amber-950 dark:text-amber-100">
            code cut (hints)
          </span>
        )}
        <time
          dateTime={entry.at}
          title={formatWhen(entry.at)}
          className="ml-auto text-xs text-slate-500 dark:text-slate-400"
        >
          {formatSince(Date.parse(entry.at), now)}
        </time>
      </div>
      {entry.message && (
        <p className="mt-1 text-sm text-slate-800 dark:text-slate-200" data-testid="ai-log-question">
          “{entry.message}”
        </p>
      )}
      {entry.error && (
        <p className="mt-1 text-sm text-red-700 dark:text-red-400" data-testid="ai-log-error">
          {entry.error}
        </p>
      )}
      {entry.answer && (
        <div className="mt-1">
          {open ? (
            <div className="rounded-lg border border-slate-200 px-3 py-2 dark:border-slate-700">
              <Suspense fallback={<p className="text-sm whitespace-pre-wrap">{entry.answer}</p>}>
                <FullAnswer text={entry.answer} language={language} />
              </Suspense>
            </div>
          ) : (
            <p
              data-testid="ai-log-answer"
              className="line-clamp-2 text-sm text-slate-600 dark:text-slate-400"
            >
              {answerPreview(entry.answer)}
            </p>
          )}
          <Button
            variant="ghost"
            className="mt-0.5 px-2 py-0.5 text-xs"
            onClick={() => setOpen(!open)}
            aria-expanded={open}
          >
            {open ? "Hide the answer" : "Show the answer"}
            <span className="sr-only"> to {entry.name}</span>
          </Button>
        </div>
      )}
    </li>
  );
}

/**
 * The teacher's AI help panel on the dashboard: the session's mode and limit (while it is
 * active), the class digest (one click: the failing runs grouped by cause), and every question
 * and answer, newest first, live from the channel.
 */
export function AiLogPanel({
  session,
  log,
  onChanged,
  ownSession,
}: {
  session: Session;
  log: AiLog;
  onChanged: (session: Session) => void;
  /** The viewer is the session's teacher (their own AI settings are the ones students use). */
  ownSession: boolean;
}) {
  const entries = useSyncExternalStore(log.subscribe, log.getSnapshot);
  const now = useNow(15_000);
  const headingId = useId();
  const [all, setAll] = useState(false);
  const [digest, setDigest] = useState<AiDigestReply | null>(null);
  const digestAction = useAction();
  const active = session.status === "active";
  const newest = [...entries].reverse();
  const shown = all ? newest : newest.slice(0, SHOWN);
  const askedBy = new Set(entries.map((entry) => entry.userId)).size;

  const runDigest = () =>
    digestAction.run(async () => {
      setDigest(await api.call("aiDigest", { params: { id: session.id } }));
    });

  return (
    <section
      aria-labelledby={headingId}
      data-testid="ai-log-panel"
      className="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={headingId} className="text-base font-semibold text-slate-900 dark:text-white">
          AI help{" "}
          <span className="font-normal text-slate-500 dark:text-slate-400">
            {entries.length === 0
              ? "· no questions yet"
              : `· ${entries.length} ${entries.length === 1 ? "question" : "questions"} from ${askedBy} ${askedBy === 1 ? "student" : "students"}`}
          </span>
        </h2>
        <Button variant="secondary" className="px-3 py-1.5" onClick={runDigest} busy={digestAction.busy}>
          Class digest
        </Button>
      </div>
      {active && (
        <div className="mt-2">
          <AiSessionControls session={session} onChanged={onChanged} />
        </div>
      )}
      {active && ownSession && session.ai !== "off" && <SetupWarning />}
      <ErrorAlert error={digestAction.error} className="mt-2 py-2" />
      {digest && (
        <div className="mt-3 rounded-lg border border-indigo-200 p-3 dark:border-indigo-900">
          <div className="mb-2 flex items-center justify-between gap-2">
            <h3 className="text-sm font-semibold text-slate-900 dark:text-white">Class digest</h3>
            <Button variant="ghost" className="px-2 py-0.5 text-xs" onClick={() => setDigest(null)}>
              Close the digest
            </Button>
          </div>
          <ClassDigest sessionId={session.id} digest={digest} />
        </div>
      )}
      {shown.length > 0 && (
        <ol
          aria-label="Questions to the AI, newest first"
          className="mt-2 max-h-80 divide-y divide-slate-200 overflow-y-auto dark:divide-slate-800"
          data-testid="ai-log"
        >
          {shown.map((entry) => (
            <LogEntry
              key={entry.id}
              entry={entry}
              sessionId={session.id}
              language={session.language}
              now={now}
            />
          ))}
        </ol>
      )}
      {newest.length > SHOWN && (
        <Button variant="ghost" className="mt-1 px-2 py-1 text-sm" onClick={() => setAll(!all)}>
          {all ? "Show the latest only" : `Show all ${newest.length}`}
        </Button>
      )}
    </section>
  );
}

/** One student's questions to the AI, newest first, in their focus view; nothing until they ask. */
export function StudentAiLog({
  log,
  sessionId,
  userId,
  name,
  language,
}: {
  log: AiLog;
  sessionId: string;
  userId: string;
  name: string;
  language: Language;
}) {
  const entries = useSyncExternalStore(log.subscribe, log.getSnapshot);
  const now = useNow(15_000);
  const headingId = useId();
  const own = entries.filter((entry) => entry.userId === userId).reverse();
  if (own.length === 0) return null;
  return (
    <section
      aria-labelledby={headingId}
      data-testid="student-ai-log"
      className="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id={headingId} className="text-base font-semibold text-slate-900 dark:text-white">
        {name}’s questions to the AI{" "}
        <span className="font-normal text-slate-500 dark:text-slate-400">· {own.length}</span>
      </h2>
      <ol className="mt-1 max-h-80 divide-y divide-slate-200 overflow-y-auto dark:divide-slate-800">
        {own.map((entry) => (
          <LogEntry
            key={entry.id}
            entry={entry}
            sessionId={sessionId}
            language={language}
            now={now}
            showName={false}
          />
        ))}
      </ol>
    </section>
  );
}
