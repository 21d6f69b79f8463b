import { type Language, RUN_FAILURE_LABELS, type RunFailureKind } from "@observer/protocol";

/** What groups failing runs in the class digest: the same key, the same cause. */
export interface ErrorSignature {
  /** Normalised (numbers and names replaced), so different students' runs match. */
  key: string;
  /** The line to show the teacher: the error as it reads, normalised. */
  title: string;
  /** The line of the student's code the error points at, when the output says. */
  line: number | null;
}

const PYTHON_ERROR = /^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Iteration|Warning))(?::\s*(.*))?$/;
const JS_ERROR = /^(?:Uncaught\s+)?([A-Za-z_$][\w$]*(?:Error|Exception))(?::\s*(.*))?$/;
const JAVA_RUNTIME = /^Exception in thread "[^"]*" ([\w.$]+)(?::\s*(.*))?$/;
const COMPILER_ERROR = /^[^\s:]+\.(?:c|cpp|cc|h|hpp|java):(\d+):(?:\d+:)?\s*(?:fatal\s+)?error:\s*(.*)$/;

/**
 * The message with what differs between students replaced: quoted names and strings by `'…'`,
 * numbers by `N`, addresses by `0x…`; spaces collapsed.
 */
export function normaliseMessage(message: string): string {
  return (
    message
      .replace(/0x[0-9a-fA-F]+/g, "0x…")
      // A quote inside a word (can't) is an apostrophe, not a quoted name.
      .replace(/(?<!\w)'[^'\n]*'(?!\w)|‘[^’]*’|"[^"\n]*"/g, "'…'")
      .replace(/\b\d+(\.\d+)?\b/g, "N")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/**
 * A failing run's signature from the end of its output: the exception (Python's last line of
 * the traceback, JavaScript's and Java's first), the first compiler error (C, C++, Java), or
 * the limit that stopped it; else the last line of output, or the exit code.
 */
export function errorSignature(
  output: string,
  language: Language,
  failure: RunFailureKind,
  run: { exitCode: number | null; signal: string | null } = { exitCode: null, signal: null },
): ErrorSignature {
  if (failure === "time" || failure === "memory" || failure === "output") {
    const label = RUN_FAILURE_LABELS[failure];
    return { key: `limit:${failure}`, title: `${label[0]?.toUpperCase()}${label.slice(1)}`, line: null };
  }
  const lines = output.split("\n").map((l) => l.trimEnd());
  const found = (type: string, message: string | undefined, line: number | null): ErrorSignature => {
    const title = message ? `${type}: ${normaliseMessage(message)}` : type;
    return { key: title, title, line };
  };
  for (const text of lines) {
    const compile = COMPILER_ERROR.exec(text.trim());
    if (compile) return found("error", compile[2], Number(compile[1]));
  }
  if (language === "python") {
    for (let i = lines.length - 1; i >= 0; i--) {
      const match = PYTHON_ERROR.exec((lines[i] as string).trim());
      if (!match) continue;
      const at = lines
        .slice(0, i)
        .reverse()
        .map((l) => /^\s*File "[^"]*", line (\d+)/.exec(l))
        .find(Boolean);
      return found(match[1] as string, match[2], at ? Number(at[1]) : null);
    }
  } else {
    for (const [i, text] of lines.entries()) {
      const match = (language === "java" ? JAVA_RUNTIME : JS_ERROR).exec(text.trim());
      if (!match) continue;
      const type = (match[1] as string).replace(/^java\.lang\./, "");
      const after = lines
        .slice(i + 1)
        .map((l) => /\.(?:js|java):(\d+)/.exec(l))
        .find(Boolean);
      const before = lines
        .slice(0, i)
        .map((l) => /\.js:(\d+)/.exec(l))
        .find(Boolean);
      const at = language === "javascript" ? (before ?? after) : after;
      return found(type, match[2], at ? Number(at[1]) : null);
    }
  }
  if (run.signal) return { key: `signal:${run.signal}`, title: `Stopped by ${run.signal}`, line: null };
  const last = [...lines].reverse().find((l) => l.trim() !== "" && !/^\[.*\]$/.test(l.trim()));
  if (last) {
    const title = normaliseMessage(last).slice(0, 160);
    return { key: `line:${title}`, title, line: null };
  }
  return { key: `exit:${run.exitCode}`, title: `Exit code ${run.exitCode ?? "unknown"}`, line: null };
}
