import { LIMITS, type Session, type User } from "@observer/protocol";
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
import { Alert } from "../../../ui/Alert.tsx";
import { Button } from "../../../ui/Button.tsx";
import { Loading } from "../../../ui/Spinner.tsx";
import { SessionHeading } from "../SessionHeading.tsx";
import { TeacherPresence } from "./TeacherPresence.tsx";

const TOO_LARGE = `Your code has reached the ${LIMITS.codeBytes / 1024} KB limit, so that change was not made.`;

/**
 * A student's workspace: their own code in Monaco, live with the server (and the teacher),
 * the language switch, the save state, the teacher's presence and Download. Read-only once
 * the session has ended.
 */
export default function StudentWorkspace({ session: loaded, user }: { session: Session; user: User }) {
  const [endedAt, setEndedAt] = useState<string | null>(null);
  const session: Session =
    endedAt && loaded.status === "active" ? { ...loaded, status: "ended", endedAt } : loaded;
  useSessionChannel(loaded.id, (message) => {
    if (message.type === "session_ended") setEndedAt(message.endedAt);
  });

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
      {live ? (
        <Workspace session={session} user={user} live={live} />
      ) : (
        <Loading label="Opening your code…" />
      )}
    </>
  );
}

function Workspace({ session, user, live }: { session: Session; user: User; live: StudentDocument }) {
  const state = useProviderState(live.watcher);
  const language = useDocumentLanguage(live.doc) ?? session.language;
  const [editor, setEditor] = useState<CollabEditor | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const canUndoTeacher = useCanUndoOther(editor);
  const peers = usePeers(live.awareness);
  const ended = session.status === "ended" || state.scope === "readonly";
  const readOnly = ended || Boolean(state.refused);
  const saveState = saveStateOf(state);

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
      <section
        aria-label="Editor"
        className="h-[calc(100dvh-16rem)] min-h-[22rem] overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-[#1e1e1e]"
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
            focusOnMount
          />
        ) : (
          <div className="flex h-full items-center justify-center">
            <Loading
              label={saveState === "offline" ? "Offline — waiting for the connection…" : "Opening your code…"}
            />
          </div>
        )}
      </section>
    </div>
  );
}
