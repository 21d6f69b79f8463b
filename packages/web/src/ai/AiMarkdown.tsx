import type { Language } from "@observer/protocol";
import type { Element, ElementContent } from "hast";
import type { ReactNode } from "react";
import Markdown, { type Components } from "react-markdown";
import { HighlightedSpans } from "../editor/HighlightedSpans.tsx";
import type { Span } from "../editor/highlight.ts";
import { codeBlockLanguage, safeLinkUrl } from "./markdown-safety.ts";

/** Highlights code as spans (the editor's tokenizers), or null while they are not loaded. */
export type Highlight = (code: string, language: Language) => Span[][];

/** The text inside a hast node (a code block's code). */
function textOf(node: ElementContent | Element): string {
  if (node.type === "text") return node.value;
  if (node.type === "element") return node.children.map(textOf).join("");
  return "";
}

function CodeBlock({
  node,
  fallbackLanguage,
  highlight,
}: {
  node: Element | undefined;
  fallbackLanguage: Language | null;
  highlight: Highlight | null;
}) {
  const code = node?.children.find((child): child is Element => child.type === "element");
  const text = (code ? textOf(code) : node ? textOf(node) : "").replace(/\n$/, "");
  const className = code?.properties.className;
  const named = codeBlockLanguage(Array.isArray(className) ? className.join(" ") : String(className ?? ""));
  const language = named === "none" ? null : (named ?? fallbackLanguage);
  const lines: Span[][] =
    language && highlight
      ? highlight(text, language)
      : text.split("\n").map((line) => [{ text: line, kind: null }]);
  return (
    <pre className="my-2 overflow-x-auto rounded-lg border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-[13px] leading-5 text-slate-800 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-200">
      <code>
        {lines.map((spans, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of a finished block, in order.
          <span key={i} className="block min-h-5 whitespace-pre">
            <HighlightedSpans spans={spans} />
          </span>
        ))}
      </code>
    </pre>
  );
}

const link = ({ href, children }: { href?: string | undefined; children?: ReactNode }) => {
  const url = href ? safeLinkUrl(href) : null;
  if (!url) return <span className="underline decoration-dotted">{children}</span>;
  return (
    <a
      href={url}
      target="_blank"
      rel="noopener noreferrer nofollow"
      className="font-medium text-indigo-700 underline hover:text-indigo-900 dark:text-indigo-300 dark:hover:text-indigo-200"
    >
      {children}
    </a>
  );
};

/**
 * An AI answer's Markdown, rendered safely: React elements only, never HTML. HTML in the
 * answer shows as the text it is (react-markdown escapes it; no raw-HTML plugin), links keep
 * only http(s)/mailto URLs and open in a new tab without referrer or opener, images are not
 * loaded (their description shows instead), and code blocks are highlighted with the editor's
 * own tokenizers once they are loaded (plain text until then).
 */
export function AiMarkdown({
  text,
  fallbackLanguage = null,
  highlight = null,
}: {
  text: string;
  /** The language of a code block whose fence names none (the student's). */
  fallbackLanguage?: Language | null;
  highlight?: Highlight | null;
}) {
  const components: Components = {
    pre: ({ node }) => <CodeBlock node={node} fallbackLanguage={fallbackLanguage} highlight={highlight} />,
    code: ({ children }) => (
      <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.9em] text-slate-900 dark:bg-slate-800 dark:text-slate-100">
        {children}
      </code>
    ),
    a: ({ href, children }) => link({ href, children }),
    img: ({ alt }) => (
      <span className="text-slate-500 italic dark:text-slate-400">{alt ? `[image: ${alt}]` : "[image]"}</span>
    ),
    p: ({ children }) => <p className="my-2 first:mt-0 last:mb-0">{children}</p>,
    ul: ({ children }) => <ul className="my-2 list-disc space-y-1 pl-5">{children}</ul>,
    ol: ({ children }) => <ol className="my-2 list-decimal space-y-1 pl-5">{children}</ol>,
    blockquote: ({ children }) => (
      <blockquote className="my-2 border-l-4 border-slate-300 pl-3 text-slate-700 dark:border-slate-600 dark:text-slate-300">
        {children}
      </blockquote>
    ),
    // Headings of an answer are bold lines: real ones would break the page's heading outline.
    h1: ({ children }) => <p className="mt-3 mb-1 font-semibold">{children}</p>,
    h2: ({ children }) => <p className="mt-3 mb-1 font-semibold">{children}</p>,
    h3: ({ children }) => <p className="mt-3 mb-1 font-semibold">{children}</p>,
    h4: ({ children }) => <p className="mt-3 mb-1 font-semibold">{children}</p>,
    h5: ({ children }) => <p className="mt-3 mb-1 font-semibold">{children}</p>,
    h6: ({ children }) => <p className="mt-3 mb-1 font-semibold">{children}</p>,
    hr: () => <hr className="my-3 border-slate-200 dark:border-slate-700" />,
  };
  return (
    <div
      className="text-sm leading-6 break-words text-slate-800 dark:text-slate-200"
      data-testid="ai-markdown"
    >
      <Markdown components={components} urlTransform={(url) => safeLinkUrl(url) ?? ""}>
        {text}
      </Markdown>
    </div>
  );
}
