import { useMemo } from "react";
import { useHighlighter } from "../scenes/session/teacher/useHighlighter.ts";
import type { Highlight } from "./AiMarkdown.tsx";

/** Lines of one code block highlighted at most (an answer is far shorter). */
const MAX_LINES = 10_000;

/** The editor's tokenizers for an answer's code blocks, loaded in the background (null until then). */
export function useCodeHighlight(): Highlight | null {
  const module = useHighlighter();
  return useMemo(
    () => (module ? (code, language) => module.highlightLines(code, language, MAX_LINES) : null),
    [module],
  );
}
