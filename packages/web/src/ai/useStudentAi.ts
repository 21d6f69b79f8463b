import type { AiAskKind, AiMode } from "@observer/protocol";
import { useCallback, useEffect, useState } from "react";
import { type AiHelp, useAiHelp } from "./useAiHelp.ts";

export interface StudentAi extends AiHelp {
  /** The session's AI mode (the tools show only when it is not "off"). */
  mode: AiMode;
  open: boolean;
  /** Opens the panel; with `focusQuestion` the question box takes the focus. */
  show: (focusQuestion?: boolean) => void;
  /** Closes the panel and cancels a question still being answered. */
  close: () => void;
  /** The panel should focus its question box once open. */
  focusQuestion: boolean;
}

/**
 * A student's AI help in their workspace: the questions (see useAiHelp) and whether the side
 * panel is open. Asking opens the panel; closing it cancels the answer on its way. When the
 * teacher turns AI help off the panel closes.
 */
export function useStudentAi(sessionId: string, mode: AiMode): StudentAi {
  const help = useAiHelp(sessionId);
  const [open, setOpen] = useState(false);
  const [focusQuestion, setFocusQuestion] = useState(false);
  const { cancel, ask: askHelp } = help;
  const close = useCallback(() => {
    cancel();
    setOpen(false);
  }, [cancel]);
  const show = useCallback((focus = false) => {
    setFocusQuestion(focus);
    setOpen(true);
  }, []);
  const ask = useCallback(
    (kind: AiAskKind, message?: string) => {
      setFocusQuestion(false);
      setOpen(true);
      askHelp(kind, message);
    },
    [askHelp],
  );
  useEffect(() => {
    if (mode === "off") close();
  }, [mode, close]);
  return { ...help, ask, mode, open, show, close, focusQuestion };
}
