import type { RunSummary } from "@observer/protocol";
import { memo, useMemo } from "react";
import { runPreviewLines } from "../../../run/ansi.ts";

/** Lines of output a tile shows. */
const TAIL_LINES = 3;

/** The last lines of a student's latest run (or its first compile error), as plain text. */
export const RunTail = memo(function RunTail({ run }: { run: RunSummary | null }) {
  const lines = useMemo(() => (run ? runPreviewLines(run, TAIL_LINES) : []), [run]);
  return (
    <div
      data-testid="run-tail"
      className="h-[3.75rem] overflow-hidden border-t border-slate-200 bg-slate-100/70 px-3 py-1.5 dark:border-slate-800 dark:bg-[#181818]"
    >
      {lines.length === 0 ? (
        <p className="text-xs leading-4 text-slate-600 italic dark:text-slate-400">
          {run ? "No output" : "Not run yet"}
        </p>
      ) : (
        <pre className="font-mono text-[11px] leading-[15px] text-slate-700 dark:text-slate-300">
          {lines.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional.
            <div key={i} className="min-h-[15px] truncate whitespace-pre">
              {line}
            </div>
          ))}
        </pre>
      )}
    </div>
  );
});
