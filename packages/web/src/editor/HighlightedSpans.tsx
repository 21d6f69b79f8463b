import type { Span, TokenKind } from "./highlight.ts";

/** vs / vs-dark colours, so highlighted code outside the editor (tiles, AI answers) looks like it. */
const KIND_CLASSES: Record<TokenKind, string> = {
  keyword: "text-[#0000ff] dark:text-[#569cd6]",
  string: "text-[#a31515] dark:text-[#ce9178]",
  comment: "text-[#008000] italic dark:text-[#6a9955]",
  // Darker than vs's #098658, which is 4.48:1 on the tile's tinted background.
  number: "text-[#07704a] dark:text-[#b5cea8]",
  type: "text-[#267f99] dark:text-[#4ec9b0]",
  annotation: "text-[#795e26] dark:text-[#dcdcaa]",
  regexp: "text-[#811f3f] dark:text-[#d16969]",
};

/** One highlighted line: each token in its colour, plain text as it is. */
export function HighlightedSpans({ spans }: { spans: readonly Span[] }) {
  return spans.map((span, j) =>
    span.kind ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line, in order.
      <span key={j} className={KIND_CLASSES[span.kind]}>
        {span.text}
      </span>
    ) : (
      span.text
    ),
  );
}
