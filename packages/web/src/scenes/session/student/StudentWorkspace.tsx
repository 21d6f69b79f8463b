import { LANGUAGE_INFO, type Language, type RunSummary, type Session, type User } from "@observer/protocol";
import { useCallback, useEffect, useRef, useState } from "react";
import {
  AI_PANEL_ROOM,
  AiSidePanel,
  AiToolbarButtons,
  ExplainErrorButton,
} from "../../../ai/AiStudentTools.tsx";
import { isFailedRun } from "../../../ai/failed-run.ts";
import { type StudentAi, useStudentAi } from "../../../ai/useStudentAi.ts";
import { codeOf, switchLanguage } from "../../../editor/code-document.ts";
import { tooLargeMessage } from "../../../editor/code-limit.ts";
import { type CollabEditor, LANGUAGE_SWITCH_ORIGIN } from "../../../editor/collab-editor.ts";
import { downloadCode, downloadFileName, fileSlug } from "../../../editor/download.ts";
import { LanguageSelect } from "../../../editor/LanguageSelect.tsx";
import { SaveStateBadge } from "../../../editor/SaveStateBadge.tsx";
import { useCanUndoOther } from "../../../editor/useHistory.ts";
import { usePeers } from "../../../editor/usePeers.ts";
import { ExportButton } from "../../../export/ExportButton.tsx";
import { SaveToGithubButton } from "../../../github/SaveToGithubButton.tsx";
import { RaiseHand } from "../../../hands/RaiseHand.tsx";
import { colorFor } from "../../../live/colors.ts";
import type { HelpQueue } from "../../../live/help-queue.ts";
import { saveStateOf } from "../../../live/provider-state.ts";
import { StudentDocument } from "../../../live/student-document.ts";
import { collabToken } from "../../../live/tokens.ts";
import { webSocketUrl } from "../../../live/urls.ts";
import { useDocumentLanguage, useOptionalProviderState, useProviderState } from "../../../live/useLive.ts";
import { useWarnBeforeUnload } from "../../../live/useWarnBeforeUnload.ts";
import { PlaybackPanel } from "../../../playback/PlaybackPanel.tsx";
import { OwnRunHistory } from "../../../run/OwnRunHistory.tsx";
import { RunPanel } from "../../../run/RunPanel.tsx";
import { runBlocker } from "../../../run/run-availability.ts";
import type { RunController } from "../../../run/run-controller.ts";
import { isLive } from "../../../run/run-status.ts";
import { useLanguages, useRunController, useRunState } from "../../../run/useRunController.ts";
import { Alert } from "../../../ui/Alert.tsx";
import { Button } from "../../../ui/Button.tsx";
import { Loading } from "../../../ui/Spinner.tsx";
import { useFadingNotice } from "../../../ui/useFadingNotice.ts";
import { useTitle } from "../../../ui/useTitle.ts";
import { CodeAndTerminal } from "../CodeAndTerminal.tsx";
import { SessionHeading } from "../SessionHeading.tsx";
import { BroadcastAnnouncement, BroadcastPanel } from "./BroadcastPanel.tsx";
import { EditingLockedNotice } from "./EditingLockedNotice.tsx";
import { SessionGone } from "./SessionGone.tsx";
import { StorageNotice } from "./StorageNotice.tsx";
import { TeacherPresence } from "./TeacherPresence.tsx";
import { useBroadcastFeed } from "./useBroadcastFeed.ts";
import { useSessionGone } from "./useSessionGone.ts";
import { useStudentChannel } from "./useStudentChannel.ts";

const UNSAVED_AT_END =
  "Your last changes did not reach the server before the session ended: they are kept only in this browser. Download your code to keep them.";
const LOCKED_MESSAGE = "Your teacher locked editing: you can change your code again once they unlock it.";
const UNSAVED_WHILE_LOCKED =
  "Your last change reached the server after your teacher locked editing: it is kept in this browser and sent again when editing opens.";

/**
 * A student's workspace: their own code in Monaco, live with the server (and the teacher),
 * the language switch, the save state, the teacher's presence and Download; beside it the
 * terminal that runs the code (also runs the teacher starts). Read-only once the session has
 * ended, and while the teacher locks editing; Run is off while they deny running or locked
 * another language (the class controls, live from the session channel).
 */
export default function StudentWorkspace({ session: initial, user }: { session: Session; user: User }) {
  const { session, latestRun, startedForMe, hands, channelStatus } = useStudentChannel(initial, user.id);
  useTitle(session.name);
  // AI help (when the teacher turned it on): its side panel makes room beside the page on a wide screen.
  const ai = useStudentAi(initial.id, session.ai);
  const runs = useRunController(initial.id);
  useEffect(() => {
    if (runs && latestRun) runs.follow(latestRun);
  }, [runs, latestRun]);

  const [live, setLive] = useState<StudentDocument | null>(null);
  useEffect(() => {
    const document = new StudentDocument({
      baseUrl: webSocketUrl(""),
      sessionId: initial.id,
      user: { id: user.id, name: user.name, role: user.role, color: colorFor(user.id) },
      token: collabToken,
    });
    setLive(document);
    return () => document.dispose();
  }, [initial.id, user.id, user.name, user.role]);

  // Never "saved" for what the server refused: changes that missed the end are only here.
  const liveState = useOptionalProviderState(live?.watcher ?? null);
  const unsavedAtEnd = liveState !== null && saveStateOf(liveState) === "unsaved";
  // Deleted while open: it ended on the channel, then the server refused the document.
  const refusedAfterEnd =
    session.status === "ended" &&
    (channelStatus === "refused" || Boolean(liveState?.refused) || liveState?.revoked != null);
  const gone = useSessionGone(initial.id, refusedAfterEnd);
  if (gone) return <SessionGone session={session} live={live} />;

  return (
    <div className={ai.open ? AI_PANEL_ROOM : undefined}>
      <SessionHeading
        session={session}
        details={
          <>
            Teacher:{" "}
            <span className="font-medium text-slate-800 dark:text-slate-200">{session.teacherName}</span>
          </>
        }
        actions={
          <div className="flex flex-wrap items-start gap-2">
            <SaveToGithubButton sessionId={session.id} />
            <ExportButton
              target={{ kind: "student", sessionId: session.id, userId: user.id }}
              label="Download my code and runs"
              fallbackName={`${fileSlug(session.name)}-my-work.zip`}
            />
          </div>
        }
        endedNote={
          unsavedAtEnd
            ? UNSAVED_AT_END
            : "Your code is saved; it can no longer be changed, but you can still download it."
        }
      />
      {live && runs ? (
        <Workspace
          {...{ session, user, live, runs, startedForMe, hands, ai }}
          channelRefused={channelStatus === "refused"}
        />
      ) : (
        <Loading label="Opening your code…" />
      )}
    </div>
  );
}

function Workspace({
  session,
  user,
  live,
  runs,
  startedForMe,
  hands,
  channelRefused,
  ai,
}: {
  /** The student's AI help: toolbar buttons, "Explain this error", the side panel. */
  ai: StudentAi;
  /** The student's own hand (raise, lower, place in line). */
  hands: HelpQueue;
  /** The server closed the session's channel for good (4403: no longer a member or active). */
  channelRefused: boolean;
  session: Session;
  user: User;
  live: StudentDocument;
  runs: RunController;
  startedForMe: RunSummary | null;
}) {
  const runState = useRunState(runs);
  const state = useProviderState(live.watcher);
  const language = useDocumentLanguage(live.doc) ?? session.language;
  const [editor, setEditor] = useState<CollabEditor | null>(null);
  const [notice, setNotice] = useFadingNotice();
  const [playback, setPlayback] = useState(false);
  const canUndoTeacher = useCanUndoOther(editor);
  const peers = usePeers(live.awareness);
  const ended = session.status === "ended" || state.scope === "readonly";
  const locked = session.editing === "locked" && !ended;
  const readOnly = ended || Boolean(state.refused) || locked;
  const saveState = saveStateOf(state);
  const languages = useLanguages();
  const lockedLanguage = session.languageLocked ? session.language : null;
  const blocker = runBlocker({
    sessionEnded: session.status === "ended",
    language,
    languages,
    runningDenied: session.running === "denied",
    lockedLanguage,
  });
  const run = useCallback(() => {
    if (!blocker && !isLive(runs.getSnapshot().status)) void runs.run(language, codeOf(live.doc).toString());
  }, [blocker, runs, language, live]);
  const starter = startedForMe && startedForMe.id === runState.runId ? startedForMe.startedBy : null;
  const starterName = starter === session.teacherId ? session.teacherName : "Your teacher";
  // "Explain this error" beside a failed run (and in the AI panel).
  const runFailed = isFailedRun(runState);
  const aiBlocked = session.status === "ended" ? "The session has ended: AI help is closed." : null;

  // Editing open again: what the server refused under the lock is offered once more.
  const wasLocked = useRef(locked);
  useEffect(() => {
    if (wasLocked.current && !locked && !ended) live.resendRefused();
    wasLocked.current = locked;
  }, [locked, ended, live]);

  useWarnBeforeUnload(live);

  const download = useCallback(() => {
    const code = codeOf(live.doc).toString();
    downloadCode(downloadFileName(language, code, session.name), code);
  }, [live, language, session.name]);

  // The teacher's broadcast, beside the editor while it is on; copying follows the controls.
  const broadcast = useBroadcastFeed(session, live.socket);
  const copyBlocker = ended
    ? "The session has ended: your code can no longer change."
    : locked
      ? "Your teacher locked editing: you can copy their code once they unlock it."
      : readOnly
        ? "Your code is not open for editing."
        : !editor
          ? "Your code is still opening…"
          : null;
  const copyBroadcast = (code: string, from: Language) => {
    if (!editor || copyBlocker) return;
    const allowed = lockedLanguage === null || from === lockedLanguage;
    editor.replaceCode(code, from !== language && allowed ? from : null);
    if (!allowed)
      setNotice(
        `Your teacher locked the language: the code was copied, and your editor stays in ${LANGUAGE_INFO[language].label}.`,
      );
    editor.focus();
  };

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2" role="toolbar" aria-label="Editor tools">
        <LanguageSelect
          value={language}
          only={lockedLanguage}
          disabled={readOnly || !state.everSynced}
          onChange={(next) => switchLanguage(live.doc, next, LANGUAGE_SWITCH_ORIGIN)}
        />
        <SaveStateBadge state={saveState} />
        <TeacherPresence peers={peers} teacherId={session.teacherId} />
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <AiToolbarButtons ai={ai} disabled={aiBlocked !== null} />
          <RaiseHand
            sessionId={session.id}
            userId={user.id}
            queue={hands}
            cursorLine={() => editor?.editor.getPosition()?.lineNumber ?? null}
            disabled={session.status === "ended"}
          />
          {/* On a phone the terminal's own Run is below the editor, out of sight. */}
          <Button
            className="lg:hidden"
            onClick={run}
            disabled={blocker !== null || isLive(runState.status)}
            title={blocker ?? undefined}
          >
            {isLive(runState.status) ? "Running…" : "Run"}
          </Button>
          {canUndoTeacher && !readOnly && (
            <Button variant="secondary" onClick={() => editor?.history.undoOther()}>
              Undo {session.teacherName}’s change
            </Button>
          )}
          <Button variant="secondary" aria-expanded={playback} onClick={() => setPlayback(!playback)}>
            {playback ? "Hide playback" : "Playback"}
          </Button>
          <Button variant="secondary" onClick={download} disabled={!state.everSynced}>
            Download
          </Button>
        </div>
      </div>
      {starter && (
        <Alert tone="info" className="py-2">
          <span data-testid="started-for-me">
            {starterName} ran your code
            {isLive(runState.status)
              ? ": it is running in the terminal."
              : ". Its output is in the terminal."}
          </span>
        </Alert>
      )}
      {saveState === "unsaved" && (
        <Alert tone="error" title="Not saved on the server" className="py-2">
          <span data-testid="unsaved-changes">{locked ? UNSAVED_WHILE_LOCKED : UNSAVED_AT_END}</span>{" "}
          <Button variant="secondary" onClick={download}>
            Download your code
          </Button>
        </Alert>
      )}
      {locked && <EditingLockedNotice runningDenied={session.running === "denied"} />}
      <StorageNotice live={live} />
      {notice && (
        <Alert tone="warning" className="py-2">
          {notice}
        </Alert>
      )}
      {(channelRefused || state.revoked === 4403) && (
        <Alert tone="error" title="No access">
          You no longer have access to this session.
        </Alert>
      )}
      {state.refused && !channelRefused && state.revoked !== 4403 && (
        <Alert tone="error" title="Your code could not be opened">
          The server refused it ({state.refused}). Reload the page; if it persists, log in again.
        </Alert>
      )}
      <BroadcastAnnouncement on={broadcast !== null} />
      <CodeAndTerminal
        page="workspace"
        codeLabel="Editor"
        live={live}
        beside={
          broadcast && (
            <BroadcastPanel
              feed={broadcast}
              teacherName={session.teacherName}
              userId={user.id}
              fallbackLanguage={session.language}
              ownCode={() => codeOf(live.doc).toString()}
              blocker={copyBlocker}
              onCopy={copyBroadcast}
            />
          )
        }
        editor={
          state.everSynced
            ? {
                userId: user.id,
                otherUserId: session.teacherId,
                language,
                readOnly,
                readOnlyMessage: locked ? LOCKED_MESSAGE : undefined,
                ariaLabel: `Your ${session.name} code`,
                onTooLarge: ({ insertedBytes }) => setNotice(tooLargeMessage(insertedBytes)),
                onEditor: setEditor,
                onRun: run,
                focusOnMount: true,
              }
            : null
        }
        loading={saveState === "offline" ? "Offline — waiting for the connection…" : "Opening your code…"}
        terminal={
          <RunPanel
            controller={runs}
            onRun={run}
            blocker={blocker}
            terminalLabel="Terminal: your program's output and input"
            onLeaveTerminal={() => editor?.focus()}
            statusAction={runFailed && <ExplainErrorButton ai={ai} disabled={aiBlocked !== null} />}
            className="h-80 lg:h-auto"
          />
        }
      />
      <AiSidePanel ai={ai} language={language} lastRunFailed={runFailed} disabled={aiBlocked} />
      {playback && (
        <PlaybackPanel
          sessionId={session.id}
          userId={user.id}
          studentName={null}
          fallbackLanguage={session.language}
        />
      )}
      <OwnRunHistory
        sessionId={session.id}
        userId={user.id}
        refreshKey={`${runState.runId ?? ""}:${runState.status}`}
      />
    </div>
  );
}
