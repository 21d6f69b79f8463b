import { LANGUAGE_INFO, LANGUAGES, type Language } from "@observer/protocol";
import { monaco } from "./monaco.ts";

/** A run of text with the kind of token it is (null for plain text). */
export interface Span {
  text: string;
  kind: TokenKind | null;
}

export type TokenKind = "keyword" | "string" | "comment" | "number" | "type" | "annotation" | "regexp";

const KINDS: readonly TokenKind[] = [
  "keyword",
  "string",
  "comment",
  "number",
  "type",
  "annotation",
  "regexp",
];

/** Monarch token types look like `keyword.python` or `string.escape.cpp`: keep the family. */
export function tokenKind(type: string): TokenKind | null {
  const family = type.split(".")[0] ?? "";
  if (family === "metatag" || family === "tag") return "annotation";
  return (KINDS as readonly string[]).includes(family) ? (family as TokenKind) : null;
}

let warm: Promise<void> | null = null;

/** Loads the tokenizers of our languages once (they load lazily in Monaco). */
export function warmUpLanguages(): Promise<void> {
  warm ??= Promise.all(LANGUAGES.map((l) => monaco.editor.colorize("", LANGUAGE_INFO[l].monacoId, {}))).then(
    () => undefined,
  );
  return warm;
}

/**
 * The first `maxLines` lines of `code` as highlighted spans, with Monaco's own tokenizers
 * (plain text for a language not loaded yet). Rendered as React text, never as HTML.
 */
export function highlightLines(code: string, language: Language | null, maxLines: number): Span[][] {
  const lines = code.split(/\r?\n/, maxLines);
  if (!language) return lines.map((text) => [{ text, kind: null }]);
  const tokens = monaco.editor.tokenize(lines.join("\n"), LANGUAGE_INFO[language].monacoId);
  return lines.map((line, i) => {
    const lineTokens = tokens[i] ?? [];
    if (lineTokens.length === 0) return [{ text: line, kind: null }];
    return lineTokens.map((token, j) => ({
      text: line.slice(token.offset, lineTokens[j + 1]?.offset ?? line.length),
      kind: tokenKind(token.type),
    }));
  });
}
