import { LANGUAGE_INFO, type Language, type LanguagesReply } from "@observer/protocol";

/**
 * Why Run is off, in words for the person who would press it, or null when it is on: the
 * session has ended, the teacher denies running or locked another language (the class
 * controls, for students), this server cannot run programs, or it lacks the language. While
 * the languages are still loading (`languages` undefined) Run stays on: the server has the last word.
 */
export function runBlocker(options: {
  sessionEnded: boolean;
  language: Language;
  languages: LanguagesReply | undefined;
  /** The teacher denies running (`running: "denied"`). */
  runningDenied?: boolean;
  /** The language the teacher locked the session to, if they did. */
  lockedLanguage?: Language | null;
}): string | null {
  const { sessionEnded, language, languages, runningDenied = false, lockedLanguage = null } = options;
  if (sessionEnded) return "The session has ended: programs can no longer be run.";
  if (runningDenied) return "Your teacher has paused running programs for now.";
  if (lockedLanguage && language !== lockedLanguage)
    return `Your teacher locked the language to ${LANGUAGE_INFO[lockedLanguage].label}: switch back to it to run.`;
  if (!languages) return null;
  if (!languages.sandbox.available) {
    const reason = languages.sandbox.reason ? ` (${languages.sandbox.reason.replace(/\.$/, "")})` : "";
    return `Programs cannot run on this server${reason}.`;
  }
  const entry = languages.languages.find((l) => l.id === language);
  if (!entry?.available) return `${LANGUAGE_INFO[language].label} is not installed on this server.`;
  return null;
}

/** "Ctrl+Enter", or "⌘ Enter" on a Mac: the Run shortcut as the user's keyboard labels it. */
export function runShortcutLabel(platform: string): string {
  return /Mac|iPhone|iPad/.test(platform) ? "⌘ Enter" : "Ctrl+Enter";
}

/** Ctrl+Enter (Cmd+Enter on a Mac, either everywhere): the Run key. */
export function isRunKey(event: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">) {
  return event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
}
