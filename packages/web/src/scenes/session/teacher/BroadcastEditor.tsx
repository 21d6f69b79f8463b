import { broadcastDocumentName, LANGUAGE_INFO } from "@observer/protocol";
import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import { codeOf, switchLanguage } from "../../../editor/code-document.ts";
import { tooLargeMessage } from "../../../editor/code-limit.ts";
import { type CollabEditor, LANGUAGE_SWITCH_ORIGIN } from "../../../editor/collab-editor.ts";
import { LanguageSelect } from "../../../editor/LanguageSelect.tsx";
import { SaveStateBadge } from "../../../editor/SaveStateBadge.tsx";
import { colorFor } from "../../../live/colors.ts";
import { saveStateOf } from "../../../live/provider-state.ts";
import { StudentDocument } from "../../../live/student-document.ts";
import { collabToken } from "../../../live/tokens.ts";
import { webSocketUrl } from "../../../live/urls.ts";
import { useDocumentLanguage, useProviderState } from "../../../live/useLive.ts";
import { useWarnBeforeUnload } from "../../../live/useWarnBeforeUnload.ts";
import { RunPanel } from "../../../run/RunPanel.tsx";
import { runBlocker } from "../../../run/run-availability.ts";
import type { RunController } from "../../../run/run-controller.ts";
import { isLive } from "../../../run/run-status.ts";
import { useLanguages, useRunController } from "../../../run/useRunController.ts";
import { Alert } from "../../../ui/Alert.tsx";
import { buttonClasses } from "../../../ui/Button.tsx";
import { Loading } from "../../../ui/Spinner.tsx";
import { useFadingNotice } from "../../../ui/useFadingNotice.ts";
import { useTitle } from "../../../ui/useTitle.ts";
import { CodeAndTerminal } from "../CodeAndTerminal.tsx";
import { BroadcastToggle } from "./BroadcastToggle.tsx";
import { useClassroom } from "./classroom-context.ts";

/**
 * `/sessions/:id/broadcast`: the teacher's own code for the class, in a live Monaco editor
 * bound to the session's broadcast document (kept in IndexedDB and merged on reconnect like
 * a student's own code, so no keystroke is lost offline), its language, "Show to students"
 * (the session's `broadcast`), and the teacher's own terminal: Run runs this code as the
 * teacher, never as a student.
 */
export default function BroadcastEditor() {
  const { session, user } = useClassroom();
  useTitle(`Broadcast · ${session.name}`);
  const runs = useRunController(session.id);
  const [live, setLive] = useState<StudentDocument | null>(null);
  useEffect(() => {
    const document = new StudentDocument({
      baseUrl: webSocketUrl(""),
      sessionId: session.id,
      documentName: broadcastDocumentName(session.id),
      user: { id: user.id, name: user.name, role: user.role, color: colorFor(user.id) },
      token: collabToken,
    });
    setLive(document);
    return () => document.dispose();
  }, [session.id, user.id, user.name, user.role]);

  if (!live || !runs) return <Loading label="Opening your broadcast…" />;
  return <Broadcast live={live} runs={runs} />;
}

function Broadcast({ live, runs }: { live: StudentDocument; runs: RunController }) {
  const { session, user, changed } = useClassroom();
  const state = useProviderState(live.watcher);
  const language = useDocumentLanguage(live.doc) ?? session.language;
  const [editor, setEditor] = useState<CollabEditor | null>(null);
  const [notice, setNotice] = useFadingNotice();
  const ended = session.status === "ended" || state.scope === "readonly";
  const readOnly = ended || Boolean(state.refused);
  const saveState = saveStateOf(state);
  const languages = useLanguages();
  const blocker = runBlocker({ sessionEnded: session.status === "ended", language, languages });
  const run = useCallback(() => {
    if (!blocker && !isLive(runs.getSnapshot().status)) void runs.run(language, codeOf(live.doc).toString());
  }, [blocker, runs, language, live]);

  useWarnBeforeUnload(live);

  const base = `/sessions/${session.id}`;
  return (
    <div className="space-y-3">
      <nav aria-label="Session" className="flex flex-wrap items-center gap-2">
        <Link to={base} className={buttonClasses("ghost", "px-2")}>
          <span aria-hidden="true">←</span> All students
        </Link>
      </nav>
      <div className="flex flex-wrap items-start gap-x-4 gap-y-2">
        <div className="min-w-0 pl-1">
          <h1 className="text-2xl font-bold tracking-tight text-slate-900 dark:text-white">Broadcast</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Your code for {session.name}: students see it read-only beside their own, as you type.
          </p>
        </div>
        <div className="ml-auto flex flex-wrap items-start gap-3">
          <LanguageSelect
            value={language}
            disabled={readOnly || !state.everSynced}
            onChange={(next) => switchLanguage(live.doc, next, LANGUAGE_SWITCH_ORIGIN)}
          />
          <div className="flex h-9 items-center">
            <SaveStateBadge state={saveState} />
          </div>
          <BroadcastToggle session={session} onChanged={changed} />
        </div>
      </div>
      {session.status === "ended" && (
        <Alert tone="warning">This session has ended: the broadcast is read-only.</Alert>
      )}
      {notice && (
        <Alert tone="warning" className="py-2">
          {notice}
        </Alert>
      )}
      {state.refused && (
        <Alert tone="error" title="Your broadcast could not be opened">
          The server refused it ({state.refused}). Only the session’s teacher can write the broadcast.
        </Alert>
      )}
      <CodeAndTerminal
        page="focus"
        codeLabel="Your broadcast code"
        live={live}
        editor={
          state.everSynced
            ? {
                userId: user.id,
                language,
                readOnly,
                ariaLabel: `Your broadcast ${LANGUAGE_INFO[language].label} code`,
                onTooLarge: ({ insertedBytes }) => setNotice(tooLargeMessage(insertedBytes)),
                onEditor: setEditor,
                onRun: run,
                focusOnMount: true,
              }
            : null
        }
        loading={
          saveState === "offline" ? "Offline — waiting for the connection…" : "Opening your broadcast…"
        }
        terminal={
          <RunPanel
            controller={runs}
            onRun={run}
            blocker={blocker}
            label="Your terminal"
            terminalLabel="Your terminal: the broadcast code's output; typing here sends input to it"
            onLeaveTerminal={() => editor?.focus()}
            className="h-80 lg:h-auto"
          />
        }
      />
    </div>
  );
}
