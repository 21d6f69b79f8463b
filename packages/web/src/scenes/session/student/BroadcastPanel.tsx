import { LANGUAGE_INFO, type Language } from "@observer/protocol";
import { useEffect, useId, useRef, useState } from "react";
import { CodeEditor } from "../../../editor/CodeEditor.tsx";
import type { BroadcastFeed } from "../../../live/broadcast-feed.ts";
import { useDocumentLanguage, useProviderState } from "../../../live/useLive.ts";
import { Button } from "../../../ui/Button.tsx";
import { ConfirmDialog } from "../../../ui/ConfirmDialog.tsx";
import { Loading } from "../../../ui/Spinner.tsx";

const READ_ONLY_MESSAGE = "This is your teacher’s code: copy it into your editor to change it.";

/**
 * The teacher's broadcast beside a student's own editor: their code live and read-only in
 * Monaco (already loaded for the workspace), highlighted in its language, and "Copy into my
 * editor". Copying never overwrites without asking: an empty editor, or one that already
 * holds the same code, takes it at once; anything else asks first (Replace / Cancel).
 * `onCopy` gets the teacher's code and language at the moment of copying; with `blocker`
 * set (editing locked, the session ended) copying is off and the reason shows.
 */
export function BroadcastPanel({
  feed,
  teacherName,
  userId,
  fallbackLanguage,
  ownCode,
  blocker,
  onCopy,
}: {
  feed: BroadcastFeed;
  teacherName: string;
  userId: string;
  /** The session's language, shown until the document says its own. */
  fallbackLanguage: Language;
  /** The student's own code now. */
  ownCode: () => string;
  blocker: string | null;
  onCopy: (code: string, language: Language) => void;
}) {
  const state = useProviderState(feed.watcher);
  const language = useDocumentLanguage(feed.doc) ?? fallbackLanguage;
  const [asking, setAsking] = useState(false);
  const headingId = useId();
  const reasonId = useId();
  const label = LANGUAGE_INFO[language].label;

  const copy = () => onCopy(feed.code.toString(), language);
  // Replace confirmed: copied once the dialog has closed, since closing gives the focus back to
  // the Copy button and the student's editor must have it (for Ctrl+Z) after copying.
  const copyWhenClosed = useRef(false);
  useEffect(() => {
    if (asking || !copyWhenClosed.current) return;
    copyWhenClosed.current = false;
    copy();
  });
  const askOrCopy = () => {
    const own = ownCode();
    if (own.trim() === "" || own === feed.code.toString()) copy();
    else setAsking(true);
  };

  return (
    <section
      aria-labelledby={headingId}
      data-testid="broadcast-panel"
      className="flex h-full min-h-0 flex-col overflow-hidden rounded-xl border border-indigo-300 bg-white shadow-sm dark:border-indigo-500/50 dark:bg-[#1e1e1e]"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-indigo-200 bg-indigo-50 px-3 py-2 dark:border-indigo-500/40 dark:bg-indigo-950/60">
        <div className="flex min-w-0 flex-1 items-center gap-2">
          <span
            className="size-2 shrink-0 animate-pulse rounded-full bg-indigo-600 dark:bg-indigo-300"
            aria-hidden="true"
          />
          <h2 id={headingId} className="truncate text-sm font-semibold text-indigo-950 dark:text-indigo-50">
            {teacherName}’s code
          </h2>
          <span
            data-testid="broadcast-language"
            className="shrink-0 rounded-full bg-white px-2 py-0.5 text-xs font-medium text-indigo-800 ring-1 ring-indigo-600/20 ring-inset dark:bg-indigo-900 dark:text-indigo-100 dark:ring-indigo-400/30"
          >
            {label}
          </span>
        </div>
        <Button
          variant="secondary"
          className="px-3 py-1.5"
          onClick={askOrCopy}
          disabled={blocker !== null || !state.everSynced}
          aria-describedby={blocker ? reasonId : undefined}
        >
          Copy into my editor
        </Button>
      </div>
      {blocker && (
        <p
          id={reasonId}
          data-testid="broadcast-copy-blocker"
          className="border-b border-amber-200 bg-amber-50 px-3 py-1.5 text-xs text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-100"
        >
          {blocker}
        </p>
      )}
      <div className="min-h-0 flex-1">
        {state.everSynced ? (
          <CodeEditor
            className="h-full"
            doc={feed.doc}
            awareness={null}
            remoteOrigin={feed.provider}
            userId={userId}
            language={language}
            readOnly
            readOnlyMessage={READ_ONLY_MESSAGE}
            ariaLabel={`${teacherName}’s ${label} code, read-only`}
          />
        ) : (
          <div className="flex h-full items-center justify-center p-4 text-sm text-slate-600 dark:text-slate-400">
            {state.refused ? (
              <p role="alert">Your teacher’s code could not be opened ({state.refused}).</p>
            ) : (
              <Loading label="Opening your teacher’s code…" />
            )}
          </div>
        )}
      </div>
      <ConfirmDialog
        open={asking}
        title="Replace your code?"
        confirmLabel="Replace"
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          copyWhenClosed.current = true;
          setAsking(false);
        }}
      >
        Your editor will hold {teacherName}’s code instead of yours. Undo in your editor (Ctrl+Z) brings yours
        back.
      </ConfirmDialog>
    </section>
  );
}

/**
 * A polite live region that says when the broadcast appears ("Your teacher is sharing their
 * code") and goes; always in the page, so the change is what screen readers hear.
 */
export function BroadcastAnnouncement({ on }: { on: boolean }) {
  const [seen, setSeen] = useState(on);
  if (on && !seen) setSeen(true);
  const message = on
    ? "Your teacher is sharing their code."
    : seen
      ? "Your teacher stopped sharing their code."
      : "";
  return (
    <p className="sr-only" aria-live="polite" data-testid="broadcast-announcement">
      {message}
    </p>
  );
}
