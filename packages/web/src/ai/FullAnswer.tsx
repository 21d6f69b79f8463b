import type { Language } from "@observer/protocol";
import { AiMarkdown } from "./AiMarkdown.tsx";
import { useCodeHighlight } from "./useCodeHighlight.ts";

/** An answer in full for the teacher's log: Markdown rendered safely, code highlighted. */
export default function FullAnswer({ text, language }: { text: string; language: Language }) {
  const highlight = useCodeHighlight();
  return <AiMarkdown text={text} fallbackLanguage={language} highlight={highlight} />;
}
