import type { Language } from "@observer/protocol";
import { memo, useEffect, useRef, useState } from "react";
import { HighlightedSpans } from "../../../editor/HighlightedSpans.tsx";
import type { Span } from "../../../editor/highlight.ts";
import type { StudentFeed } from "../../../live/student-feed.ts";
import { useInView } from "../../../ui/useInView.ts";
import { useHighlighter } from "./useHighlighter.ts";

/** Lines a tile shows (the rest is cut off by the tile's height anyway). */
const MAX_LINES = 18;
/** A tile redraws at most this often while its student types (the first change at once). */
const MIN_INTERVAL_MS = 100;

/**
 * A student's code as a small read-only, highlighted view: no editor, just text. It listens
 * to its own document only while it is in (or near) the viewport, and redraws at most every
 * MIN_INTERVAL_MS, so a class of hundreds stays smooth.
 */
export const CodePreview = memo(function CodePreview({
  feed,
  language,
}: {
  feed: StudentFeed;
  language: Language | null;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const visible = useInView(ref);
  const highlighter = useHighlighter();
  const [lines, setLines] = useState<Span[][] | null>(null);

  useEffect(() => {
    if (!visible) return;
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let frame = 0;
    const draw = () => {
      frame = 0;
      last = performance.now();
      const code = feed.code.toString();
      setLines(
        highlighter
          ? highlighter.highlightLines(code, language, MAX_LINES)
          : code.split(/\r?\n/, MAX_LINES).map((text) => [{ text, kind: null }]),
      );
    };
    const schedule = () => {
      if (timer !== null || frame !== 0) return;
      timer = setTimeout(
        () => {
          timer = null;
          frame = requestAnimationFrame(draw);
        },
        Math.max(0, last + MIN_INTERVAL_MS - performance.now()),
      );
    };
    draw();
    const unsubscribe = feed.subscribeCode(schedule);
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [visible, feed, language, highlighter]);

  const empty = lines?.every((line) => line.every((span) => span.text.trim() === "")) ?? false;
  return (
    <div
      ref={ref}
      data-testid="code-preview"
      className="h-40 overflow-hidden border-t border-slate-100 bg-slate-50/60 px-3 py-2 dark:border-slate-800 dark:bg-slate-950/40"
    >
      {empty ? (
        <p className="text-xs text-slate-400 italic dark:text-slate-500">No code yet</p>
      ) : (
        <pre className="font-mono text-[11px] leading-[15px] text-slate-800 dark:text-slate-200">
          <code>
            {lines?.map((line, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional.
              <div key={i} className="min-h-[15px] overflow-hidden text-ellipsis whitespace-pre">
                <HighlightedSpans spans={line} />
              </div>
            ))}
          </code>
        </pre>
      )}
    </div>
  );
});
