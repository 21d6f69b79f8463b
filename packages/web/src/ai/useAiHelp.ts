import type { AiAskKind } from "@observer/protocol";
import { useCallback, useEffect, useRef, useState } from "react";
import { askAi } from "./ask-stream.ts";
import { type AiExchange, applyEvent, failExchange, newExchange } from "./exchange.ts";

/** Questions the panel keeps on screen (older ones scroll away for good). */
const KEPT = 20;

export interface AiHelp {
  /** This visit's questions, oldest first. */
  exchanges: readonly AiExchange[];
  /** Asks; a question still being answered is cancelled first (one at a time). */
  ask: (kind: AiAskKind, message?: string) => void;
  /** Cancels the question being answered (the server stops asking the provider). */
  cancel: () => void;
}

/**
 * The student's questions to the AI in one session: each streams into its exchange as it
 * comes. One request at a time: a new question, `cancel()` and unmounting (closing the panel)
 * abort the one in flight.
 */
export function useAiHelp(sessionId: string): AiHelp {
  const [exchanges, setExchanges] = useState<readonly AiExchange[]>([]);
  const current = useRef<AbortController | null>(null);
  const nextKey = useRef(1);

  const cancel = useCallback(() => {
    current.current?.abort();
    current.current = null;
  }, []);

  const ask = useCallback(
    (kind: AiAskKind, message?: string) => {
      cancel();
      const controller = new AbortController();
      current.current = controller;
      const key = nextKey.current++;
      const words = message?.trim() ?? "";
      const update = (change: (exchange: AiExchange) => AiExchange) =>
        setExchanges((list) => list.map((e) => (e.key === key ? change(e) : e)));
      setExchanges((list) => [...list, newExchange(key, kind, words)].slice(-KEPT));
      void askAi(sessionId, words ? { kind, message: words } : { kind }, {
        signal: controller.signal,
        onEvent: (event) => update((e) => applyEvent(e, event)),
      })
        .catch((error: unknown) => update((e) => failExchange(e, error)))
        .finally(() => {
          if (current.current === controller) current.current = null;
        });
    },
    [sessionId, cancel],
  );

  useEffect(() => cancel, [cancel]);

  return { exchanges, ask, cancel };
}
