/** Characters of an answer the teacher's log shows before "Show the answer". */
const PREVIEW_CHARS = 240;

/**
 * An answer's Markdown as one line of plain text for the log's preview: code fences, emphasis
 * and heading marks dropped, links as their text, whitespace collapsed, cut with "…".
 */
export function answerPreview(markdown: string, max = PREVIEW_CHARS): string {
  const plain = markdown
    .replace(/^\s*(`{3,}|~{3,}).*$/gm, " ")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, "")
    .replace(/(\*\*|__|\*|_|`)(?=\S)([^\n]*?\S)\1/g, "$2")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > max ? `${plain.slice(0, max - 1).trimEnd()}…` : plain;
}
