import { LIMITS, type RunSummary, type Session, type User } from "@observer/protocol";
import { useCallback, useEffect, useState } from "react";
import { CodeEditor } from "../../../editor/CodeEditor.tsx";
import { codeOf, switchLanguage } from "../../../editor/code-document.ts";
import { type CollabEditor, LANGUAGE_SWITCH_ORIGIN } from "../../../editor/collab-editor.ts";
import { downloadCode, downloadFileName } from "../../../editor/download.ts";
import { LanguageSelect } from "../../../editor/LanguageSelect.tsx";
import { SaveStateBadge } from "../../../editor/SaveStateBadge.tsx";
import { useCanUndoOther } from "../../../editor/useHistory.ts";
import { usePeers } from "../../../editor/usePeers.ts";
import { colorFor } from "../../../live/colors.ts";
import { saveStateOf } from "../../../live/provider-state.ts";
import { StudentDocument } from "../../../live/student-document.ts";
import { collabToken } from "../../../live/tokens.ts";
import { webSocketUrl } from "../../../live/urls.ts";
import { useDocumentLanguage, useProviderState } from "../../../live/useLive.ts";
import { useSessionChannel } from "../../../live/useSessionChannel.ts";
import { RunPanel } from "../../../run/RunPanel.tsx";
import { runBlocker } from "../../../run/run-availability.ts";
import type { RunController } from "../../../run/run-controller.ts";
import { useLanguages, useRunController } from "../../../run/useRunController.ts";
import { Alert } from "../../../ui/Alert.tsx";
import { Button } from "../../../ui/Button.tsx";
import { Loading } from "../../../ui/Spinner.tsx";
import { SessionHeading } from "../SessionHeading.tsx";
import { TeacherPresence } from "./TeacherPresence.tsx";

const TOO_LARGE = `Your code has reached the ${LIMITS.codeBytes / 1024} KB limit, so that change was not made.`;

/**
 * A student's workspace: their own code in Monaco, live with the server (and the teacher),
 * the language switch, the save state, the teacher's presence and Download; beside it the
 * terminal that runs the code (also runs the teacher starts). Read-only once the session has
 * ended.
 */
export default function StudentWorkspace({ session: loaded, user }: { session: Session; user: User }) {
  const [endedAt, setEndedAt] = useState<string | null>(null);
  const session: Session =
    endedAt && loaded.status === "active" ? { ...loaded, status: "ended", endedAt } : loaded;
  // The latest run of this student: theirs, or one the teacher started for them.
  const [latestRun, setLatestRun] = useState<RunSummary | null>(null);
  useSessionChannel(loaded.id, (message) => {
    if (message.type === "session_ended") setEndedAt(message.endedAt);
    else if (message.type === "run_update") setLatestRun(message.run);
    else if (message.type === "ready") {
      const own = message.roster.find((entry) => entry.userId === user.id)?.lastRun;
      if (own) setLatestRun(own);
    }
  });
  const runs = useRunController(loaded.id);
  useEffect(() => {
    if (runs && latestRun) runs.follow(latestRun);
  }, [runs, latestRun]);

  const [live, setLive] = useState<StudentDocument | null>(null);
  useEffect(() => {
    const document = new StudentDocument({
      baseUrl: webSocketUrl(""),
      sessionId: loaded.id,
      user: { id: user.id, name: user.name, role: user.role, color: colorFor(user.id) },
      token: collabToken,
    });
    setLive(document);
    return () => document.dispose();
  }, [loaded.id, user.id, user.name, user.role]);

  return (
    <>
      <SessionHeading
        session={session}
        details={
          <>
            Teacher:{" "}
            <span className="font-medium text-slate-800 dark:text-slate-200">{session.teacherName}</span>
          </>
        }
        endedNote="Your code is saved; it can no longer be changed, but you can still download it."
      />
      {live && runs ? (
        <Workspace session={session} user={user} live={live} runs={runs} />
      ) : (
        <Loading label="Opening your code…" />
      )}
    </>
  );
}

function Workspace({
  session,
  user,
  live,
  runs,
}: {
  session: Session;
  user: User;
  live: StudentDocument;
  runs: RunController;
}) {
  const state = useProviderState(live.watcher);
  const language = useDocumentLanguage(live.doc) ?? session.language;
  const [editor, setEditor] = useState<CollabEditor | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const canUndoTeacher = useCanUndoOther(editor);
  const peers = usePeers(live.awareness);
  const ended = session.status === "ended" || state.scope === "readonly";
  const readOnly = ended || Boolean(state.refused);
  const saveState = saveStateOf(state);
  const languages = useLanguages();
  const blocker = runBlocker({ sessionEnded: session.status === "ended", language, languages });
  const run = useCallback(() => {
    if (!blocker) void runs.run(language, codeOf(live.doc).toString());
  }, [blocker, runs, language, live]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 8000);
    return () => clearTimeout(timer);
  }, [notice]);

  // Closing the tab with changes the server has not acknowledged yet: ask first.
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (live.hasUnsavedEdits) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [live]);

  const download = useCallback(() => {
    const code = codeOf(live.doc).toString();
    downloadCode(downloadFileName(language, code, session.name), code);
  }, [live, language, session.name]);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2" role="toolbar" aria-label="Editor tools">
        <LanguageSelect
          value={language}
          disabled={readOnly || !state.everSynced}
          onChange={(next) => switchLanguage(live.doc, next, LANGUAGE_SWITCH_ORIGIN)}
        />
        <SaveStateBadge state={saveState} />
        <TeacherPresence peers={peers} teacherId={session.teacherId} />
        <div className="ml-auto flex flex-wrap items-center gap-2">
          {canUndoTeacher && !readOnly && (
            <Button variant="secondary" onClick={() => editor?.history.undoOther()}>
              Undo {session.teacherName}’s change
            </Button>
          )}
          <Button variant="secondary" onClick={download} disabled={!state.everSynced}>
            Download
          </Button>
        </div>
      </div>
      {notice && (
        <Alert tone="warning" className="py-2">
          {notice}
        </Alert>
      )}
      {state.refused && (
        <Alert tone="error" title="Your code could not be opened">
          The server refused it ({state.refused}). Reload the page; if it persists, log in again.
        </Alert>
      )}
      <div className="grid gap-3 lg:h-[calc(100dvh-16rem)] lg:min-h-[22rem] lg:grid-cols-[minmax(0,7fr)_minmax(0,5fr)]">
        <section
          aria-label="Editor"
          className="h-[calc(100dvh-16rem)] min-h-[22rem] overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm lg:h-auto dark:border-slate-800 dark:bg-[#1e1e1e]"
        >
          {state.everSynced ? (
            <CodeEditor
              className="h-full"
              doc={live.doc}
              awareness={live.awareness}
              remoteOrigin={live.provider}
              userId={user.id}
              otherUserId={session.teacherId}
              language={language}
              readOnly={readOnly}
              ariaLabel={`Your ${session.name} code`}
              onTooLarge={() => setNotice(TOO_LARGE)}
              onEditor={setEditor}
              onRun={run}
              focusOnMount
            />
          ) : (
            <div className="flex h-full items-center justify-center">
              <Loading
                label={
                  saveState === "offline" ? "Offline — waiting for the connection…" : "Opening your code…"
                }
              />
            </div>
          )}
        </section>
        <RunPanel
          controller={runs}
          onRun={run}
          blocker={blocker}
          terminalLabel="Terminal: your program's output and input"
          className="h-80 lg:h-auto"
        />
      </div>
    </div>
  );
}
