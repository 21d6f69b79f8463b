import { useSyncExternalStore } from "react";
import type { HelpQueue } from "../live/help-queue.ts";
import { ordinal } from "./hand-text.ts";

/** "Hand 2nd" on a student's tile while their hand is up ("Hand helping" once claimed). */
export function HandBadge({ queue, userId }: { queue: HelpQueue; userId: string }) {
  const hand = useSyncExternalStore(queue.subscribe, () => queue.handOf(userId));
  if (!hand) return null;
  const text = hand.status === "helping" ? "helping" : hand.position ? ordinal(hand.position) : "raised";
  return (
    <span
      data-testid="hand-badge"
      title={hand.message ? `Hand raised: ${hand.message}` : "Hand raised"}
      className="inline-flex shrink-0 items-center gap-1 rounded-md bg-amber-100 px-1.5 py-0.5 text-[11px] font-semibold text-amber-900 ring-1 ring-amber-600/30 ring-inset dark:bg-amber-950 dark:text-amber-200"
    >
      <span aria-hidden="true">Hand</span>
      <span className="sr-only">Hand raised,</span>
      {text}
    </span>
  );
}
