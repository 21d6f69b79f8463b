import type { ReactNode } from "react";
import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";
import { CodeEditor, type CodeEditorProps } from "../../editor/CodeEditor.tsx";
import { Loading } from "../../ui/Spinner.tsx";

/** How much of the window's height the page's heading and toolbars above the panes take. */
const HEIGHTS = {
  /** The student's workspace. */
  workspace: {
    grid: "lg:h-[calc(100dvh-16rem)]",
    gridBeside: "xl:h-[calc(100dvh-16rem)]",
    code: "h-[calc(100dvh-16rem)]",
  },
  /** The teacher's focus view (and broadcast editor). */
  focus: {
    grid: "lg:h-[calc(100dvh-14rem)]",
    gridBeside: "xl:h-[calc(100dvh-14rem)]",
    code: "h-[calc(100dvh-14rem)]",
  },
} as const;

/**
 * A student's code and their terminal side by side (the terminal under the code on a narrow
 * screen), as the student's workspace and the teacher's focus view show them. Until the code
 * has synced a spinner stands in for the editor. With `beside` (the teacher's broadcast, in a
 * student's workspace) three columns on a wide screen; below that the two codes side by side
 * and the terminal under them.
 */
export function CodeAndTerminal({
  page,
  codeLabel,
  live,
  editor,
  loading,
  terminal,
  beside,
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
  /** Shown beside the code, before the terminal; nothing when null. */
  beside?: ReactNode;
}) {
  const heights = HEIGHTS[page];
  const grid = beside
    ? `${heights.gridBeside} lg:grid-cols-2 xl:min-h-[22rem] xl:grid-cols-[minmax(0,4fr)_minmax(0,4fr)_minmax(0,3fr)]`
    : `${heights.grid} lg:min-h-[22rem] lg:grid-cols-[minmax(0,7fr)_minmax(0,5fr)]`;
  const pane = `${heights.code} min-h-[22rem] ${beside ? "xl:h-auto" : "lg:h-auto"}`;
  return (
    <div className={`grid gap-3 ${grid}`}>
      <section
        aria-label={codeLabel}
        className={`${pane} overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-[#1e1e1e]`}
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
      {beside ? (
        <>
          <div className={`${pane} flex flex-col`}>{beside}</div>
          {/* A grid of one, so the terminal fills the height it is given. */}
          <div className="grid min-h-0 lg:col-span-2 lg:h-80 xl:col-span-1 xl:h-auto">{terminal}</div>
        </>
      ) : (
        terminal
      )}
    </div>
  );
}
