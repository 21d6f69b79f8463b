import type { ReactNode } from "react";
import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";
import { CodeEditor, type CodeEditorProps } from "../../editor/CodeEditor.tsx";
import { Loading } from "../../ui/Spinner.tsx";

/** How much of the window's height the page's heading and toolbars above the panes take. */
const HEIGHTS = {
  /** The student's workspace. */
  workspace: { grid: "lg:h-[calc(100dvh-16rem)]", code: "h-[calc(100dvh-16rem)]" },
  /** The teacher's focus view. */
  focus: { grid: "lg:h-[calc(100dvh-14rem)]", code: "h-[calc(100dvh-14rem)]" },
} as const;

/**
 * A student's code and their terminal side by side (the terminal under the code on a narrow
 * screen), as the student's workspace and the teacher's focus view show them. Until the code
 * has synced a spinner stands in for the editor.
 */
export function CodeAndTerminal({
  page,
  codeLabel,
  live,
  editor,
  loading,
  terminal,
}: {
  page: keyof typeof HEIGHTS;
  /** The code pane's accessible name. */
  codeLabel: string;
  /** The student's document, with its provider's awareness. */
  live: { doc: Y.Doc; awareness: Awareness; provider: unknown };
  /** The editor's props, or null while the code has not synced yet. */
  editor: Omit<CodeEditorProps, "doc" | "awareness" | "remoteOrigin" | "className"> | null;
  /** What the spinner says while the code is not there. */
  loading: string;
  terminal: ReactNode;
}) {
  const heights = HEIGHTS[page];
  return (
    <div className={`grid gap-3 ${heights.grid} lg:min-h-[22rem] lg:grid-cols-[minmax(0,7fr)_minmax(0,5fr)]`}>
      <section
        aria-label={codeLabel}
        className={`${heights.code} min-h-[22rem] overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm lg:h-auto dark:border-slate-800 dark:bg-[#1e1e1e]`}
      >
        {editor ? (
          <CodeEditor
            className="h-full"
            doc={live.doc}
            awareness={live.awareness}
            remoteOrigin={live.provider}
            {...editor}
          />
        ) : (
          <div className="flex h-full items-center justify-center">
            <Loading label={loading} />
          </div>
        )}
      </section>
      {terminal}
    </div>
  );
}
