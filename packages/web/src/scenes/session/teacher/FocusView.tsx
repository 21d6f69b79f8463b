import { LANGUAGE_INFO } from "@observer/protocol";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { StudentAiLog } from "../../../ai/AiLogPanel.tsx";
import { codeOf, switchLanguage } from "../../../editor/code-document.ts";
import { type CollabEditor, LANGUAGE_SWITCH_ORIGIN } from "../../../editor/collab-editor.ts";
import { LanguageSelect } from "../../../editor/LanguageSelect.tsx";
import { SaveStateBadge } from "../../../editor/SaveStateBadge.tsx";
import { colorFor } from "../../../live/colors.ts";
import { saveStateOf } from "../../../live/provider-state.ts";
import type { StudentFeed } from "../../../live/student-feed.ts";
import { useProviderState } from "../../../live/useLive.ts";
import { PlaybackPanel } from "../../../playback/PlaybackPanel.tsx";
import { PlaybackToggle } from "../../../playback/PlaybackToggle.tsx";
import { provenanceText } from "../../../playback/provenance-text.ts";
import { RunHistory } from "../../../run/RunHistory.tsx";
import { RunPanel } from "../../../run/RunPanel.tsx";
import { runBlocker } from "../../../run/run-availability.ts";
import { isLive } from "../../../run/run-status.ts";
import { useLanguages, useRunController } from "../../../run/useRunController.ts";
import { Alert } from "../../../ui/Alert.tsx";
import { ButtonLink, buttonClasses } from "../../../ui/Button.tsx";
import { Loading } from "../../../ui/Spinner.tsx";
import { useTitle } from "../../../ui/useTitle.ts";
import { CodeAndTerminal } from "../CodeAndTerminal.tsx";
import { EditedAgo } from "./Ago.tsx";
import { arrange, handsByStudent, NO_FILTER } from "./arrange.ts";
import { useClassroom } from "./classroom-context.ts";
import { OnlineDot } from "./StudentTile.tsx";

/** The teacher counts as typing this long after their last keystroke. */
const TYPING_MS = 3000;

/**
 * `/sessions/:id/students/:studentId`: one student's editor, full Monaco, co-edited live,
 * and the student's terminal: their latest run live (the teacher can type into it), and a
 * button to run the student's code. The student sees the teacher's cursor (named, coloured)
 * and "viewing" / "typing".
 * Previous / next follow the dashboard's order (Alt+PageUp / Alt+PageDown). The view opens
 * with the focus on the student's name, not in their editor: a teacher's keys never land in
 * a student's code by accident (Tab goes through the page; see TabEscape).
 */
export default function FocusView() {
  const { studentId = "" } = useParams();
  const { classroom, view, session } = useClassroom();
  const base = `/sessions/${session.id}`;
  const navigate = useNavigate();
  const feeds = useSyncExternalStore(classroom.subscribe, classroom.students);
  const feed = classroom.feed(studentId);
  const handList = useSyncExternalStore(classroom.hands.subscribe, classroom.hands.getSnapshot);

  // Neighbours in the dashboard's order (or everyone by name if this student is filtered out).
  const { previous, next } = useMemo(() => {
    const now = Date.now();
    const snapshots = feeds.map((f) => f.snapshot);
    const hands = handsByStudent(handList);
    let order = arrange(snapshots, view.sort, view.filter, now, hands);
    if (!order.some((s) => s.id === studentId)) order = arrange(snapshots, view.sort, NO_FILTER, now, hands);
    const index = order.findIndex((s) => s.id === studentId);
    const at = (i: number) =>
      index < 0 || order.length < 2 ? null : (order[(i + order.length) % order.length]?.id ?? null);
    return { previous: at(index - 1), next: at(index + 1) };
  }, [feeds, view, studentId, handList]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || (event.key !== "PageDown" && event.key !== "PageUp")) return;
      const target = event.key === "PageDown" ? next : previous;
      if (!target) return;
      event.preventDefault();
      event.stopPropagation();
      navigate(`${base}/students/${target}`);
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [navigate, next, previous, base]);

  if (!feed) {
    return (
      <div className="mx-auto max-w-lg space-y-6">
        {classroom.channelStatus === "connecting" ? (
          <Loading label="Loading the class…" />
        ) : (
          <Alert tone="error" title="Student not found">
            This student is not part of the session.
          </Alert>
        )}
        <ButtonLink to={base} variant="secondary">
          Back to all students
        </ButtonLink>
      </div>
    );
  }
  return <Focus key={feed.id} feed={feed} previous={previous} next={next} />;
}

function Focus({
  feed,
  previous,
  next,
}: {
  feed: StudentFeed;
  previous: string | null;
  next: string | null;
}) {
  const { session, user, classroom } = useClassroom();
  const student = useSyncExternalStore(feed.subscribe, feed.getSnapshot);
  const connection = useProviderState(feed.watcher);
  const language = student.language ?? session.language;
  const readOnly = session.status === "ended" || connection.scope === "readonly" || !connection.everSynced;
  const typingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [editor, setEditor] = useState<CollabEditor | null>(null);
  const [playback, setPlayback] = useState(false);
  useTitle(`${student.name} · ${session.name}`);
  useEffect(() => heading.current?.focus(), []);

  // Opened from a raised hand: that line in the middle, highlighted.
  const [params] = useSearchParams();
  const askedLine = Number(params.get("line"));
  useEffect(() => {
    if (editor && Number.isInteger(askedLine) && askedLine > 0) return editor.highlightLine(askedLine);
  }, [editor, askedLine]);

  // The student's terminal: follows their latest run; Run runs their code as theirs.
  const runs = useRunController(session.id, feed.id);
  useEffect(() => {
    if (runs && student.lastRun) runs.follow(student.lastRun);
  }, [runs, student.lastRun]);
  const languages = useLanguages();
  const blocker = runBlocker({ sessionEnded: session.status === "ended", language, languages });
  const run = useCallback(() => {
    if (!blocker && runs && !isLive(runs.getSnapshot().status))
      void runs.run(language, codeOf(feed.doc).toString());
  }, [blocker, runs, language, feed]);

  // The student sees who is here and whether they are typing; nothing once the teacher leaves.
  useEffect(() => {
    const awareness = feed.awareness;
    const me = { id: user.id, name: user.name, role: user.role, color: colorFor(user.id) };
    awareness.setLocalState({ user: me, activity: "viewing" });
    return () => {
      if (typingTimer.current) clearTimeout(typingTimer.current);
      // Not null: Hocuspocus 4.7 drops awareness removals on the server, so the student would
      // keep seeing "viewing" for 30 s. A state without activity or cursor clears it at once.
      awareness.setLocalState({ user: me });
    };
  }, [feed, user]);

  const typing = () => {
    if (feed.awareness.getLocalState()?.activity !== "typing")
      feed.awareness.setLocalStateField("activity", "typing");
    if (typingTimer.current) clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => {
      if (feed.awareness.getLocalState()) feed.awareness.setLocalStateField("activity", "viewing");
    }, TYPING_MS);
  };

  const base = `/sessions/${session.id}`;
  return (
    <div className="space-y-3">
      <nav aria-label="Students" className="flex flex-wrap items-center gap-2">
        <Link to={base} className={buttonClasses("ghost", "px-2")}>
          <span aria-hidden="true">←</span> All students
        </Link>
        <Link
          to={`/students/${student.id}`}
          className={buttonClasses("ghost", "px-2")}
          title={`${student.name}’s sessions with you, with their figures`}
        >
          All sessions
        </Link>
        <div className="ml-auto flex gap-2">
          {previous && <NeighbourLink to={`${base}/students/${previous}`} which="previous" />}
          {next && <NeighbourLink to={`${base}/students/${next}`} which="next" />}
        </div>
      </nav>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <div className="flex min-w-0 items-center gap-2.5 pl-1">
          <OnlineDot online={student.online} />
          <h1
            ref={heading}
            tabIndex={-1}
            className="truncate text-2xl font-bold tracking-tight text-slate-900 outline-none dark:text-white"
          >
            {student.name}
          </h1>
        </div>
        <p className="text-sm text-slate-500 dark:text-slate-400">
          {student.online ? "Online" : "Offline"} · <EditedAgo at={student.lastEditAt} /> · {session.name}
          {student.typedChars + student.pastedChars > 0 && (
            <>
              {" · "}
              <span data-testid="focus-provenance">{provenanceText(student)}</span>
            </>
          )}
        </p>
        <div className="ml-auto flex flex-wrap items-center gap-3">
          <PlaybackToggle on={playback} onChange={setPlayback} />
          <LanguageSelect
            value={language}
            disabled={readOnly}
            onChange={(l) => switchLanguage(feed.doc, l, LANGUAGE_SWITCH_ORIGIN)}
          />
          <SaveStateBadge state={saveStateOf(connection)} />
        </div>
      </div>
      {session.status === "ended" && (
        <Alert tone="warning">This session has ended: the code is read-only.</Alert>
      )}
      {connection.refused && (
        <Alert tone="error" title="This code could not be opened">
          The server refused it ({connection.refused}). Only the session’s teacher can open students’ code.
        </Alert>
      )}
      {playback ? (
        <PlaybackPanel
          sessionId={session.id}
          userId={feed.id}
          studentName={student.name}
          fallbackLanguage={session.language}
        />
      ) : (
        <CodeAndTerminal
          page="focus"
          codeLabel={`${student.name}’s code`}
          live={feed}
          editor={
            connection.everSynced
              ? {
                  userId: user.id,
                  language,
                  readOnly,
                  ariaLabel: `${student.name}’s ${LANGUAGE_INFO[language].label} code`,
                  onLocalEdit: typing,
                  onRun: run,
                  onEditor: setEditor,
                }
              : null
          }
          loading="Opening the code…"
          terminal={
            runs && (
              <RunPanel
                controller={runs}
                onRun={run}
                blocker={blocker}
                runLabel="Run student’s code"
                label={`${student.name}’s terminal`}
                terminalLabel={`${student.name}’s terminal: their program's output; typing here sends input to it`}
                onLeaveTerminal={() => editor?.focus()}
                leaveLabel={`back to ${student.name}’s code`}
                className="h-80 lg:h-auto"
              />
            )
          }
        />
      )}
      <RunHistory
        sessionId={session.id}
        userId={feed.id}
        refreshKey={`${student.lastRun?.id ?? ""}:${student.lastRun?.status ?? ""}`}
        heading={`${student.name}’s runs`}
      />
      <StudentAiLog
        log={classroom.aiLog}
        sessionId={session.id}
        userId={feed.id}
        name={student.name}
        language={session.language}
      />
    </div>
  );
}

const NEIGHBOURS = {
  previous: { keys: "Alt+PageUp", title: "Previous student (Alt+Page Up)" },
  next: { keys: "Alt+PageDown", title: "Next student (Alt+Page Down)" },
} as const;

/** "‹ Previous" or "Next ›": the neighbour in the dashboard's order, with its shortcut. */
function NeighbourLink({ to, which }: { to: string; which: keyof typeof NEIGHBOURS }) {
  const { keys, title } = NEIGHBOURS[which];
  return (
    <Link to={to} className={buttonClasses("secondary", "px-3")} aria-keyshortcuts={keys} title={title}>
      {which === "previous" ? (
        <>
          <span aria-hidden="true">‹</span> Previous
        </>
      ) : (
        <>
          Next <span aria-hidden="true">›</span>
        </>
      )}
    </Link>
  );
}
