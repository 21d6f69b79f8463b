import type { Language } from "@observer/protocol";

/**
 * The URL a link of an AI answer may keep: absolute http(s) and mailto only. Anything else
 * (javascript:, data:, vbscript:, a path into this app) is dropped and the link shows as
 * plain text. Control characters and spaces hidden in the scheme do not get through either.
 */
export function safeLinkUrl(url: string): string | null {
  const trimmed = url.trim();
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return null;
  if (!/^(https?:\/\/|mailto:)/i.test(trimmed)) return null;
  try {
    const parsed = new URL(trimmed);
    return ["http:", "https:", "mailto:"].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Names a fenced code block's info string may give each of our languages. */
const ALIASES: Record<string, Language> = {
  py: "python",
  python: "python",
  python3: "python",
  js: "javascript",
  javascript: "javascript",
  node: "javascript",
  mjs: "javascript",
  c: "c",
  h: "c",
  cpp: "cpp",
  "c++": "cpp",
  cc: "cpp",
  cxx: "cpp",
  hpp: "cpp",
  java: "java",
};

/**
 * The language of a code block from its `language-xxx` class (the fence's info string): one
 * of ours, "none" for plain text (`text`, `console`, `output`…), or null when the fence named none.
 */
export function codeBlockLanguage(className: string | undefined): Language | "none" | null {
  const name = /(?:^|\s)language-(\S+)/.exec(className ?? "")?.[1]?.toLowerCase();
  if (!name) return null;
  return ALIASES[name] ?? "none";
}
