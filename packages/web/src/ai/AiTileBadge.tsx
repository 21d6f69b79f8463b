import { useSyncExternalStore } from "react";
import type { AiLog } from "./ai-log.ts";
import { KIND_LABELS } from "./exchange.ts";

/** The tooltip of a student's AI marker: how often, and what they asked last. */
export function aiBadgeTitle(count: number, kind: keyof typeof KIND_LABELS, message: string): string {
  const times = count === 1 ? "once" : `${count} times`;
  const last = message ? `“${message}”` : KIND_LABELS[kind];
  return `Asked the AI ${times}; last: ${last}`;
}

/** "AI 3" on a student's tile once they asked the AI, the last question in its tooltip. */
export function AiTileBadge({ log, userId }: { log: AiLog; userId: string }) {
  const summary = useSyncExternalStore(log.subscribe, () => log.summaryOf(userId));
  if (!summary) return null;
  return (
    <span
      data-testid="ai-badge"
      title={aiBadgeTitle(summary.count, summary.last.kind, summary.last.message)}
      className="inline-flex shrink-0 items-center gap-1 rounded-md bg-violet-100 px-1.5 py-0.5 text-[11px] font-semibold text-violet-900 ring-1 ring-violet-600/30 ring-inset dark:bg-violet-950 dark:text-violet-200"
    >
      AI<span className="sr-only"> questions:</span> {summary.count}
    </span>
  );
}
