import type { Hand } from "@observer/protocol";
import { useId, useSyncExternalStore } from "react";
import { Link } from "react-router";
import { api } from "../api/client.ts";
import type { HelpQueue } from "../live/help-queue.ts";
import { Button, buttonClasses } from "../ui/Button.tsx";
import { ErrorAlert } from "../ui/ErrorAlert.tsx";
import { useAction } from "../ui/useAction.ts";
import { useNow } from "../ui/useNow.ts";
import { waitedText } from "./hand-text.ts";
import { useHandAlerts } from "./useHandAlerts.ts";

/**
 * The teacher's help queue: waiting hands oldest first (with how long they have waited, the
 * message and the line), then the ones being helped. Open goes to the student's code at that
 * line; Claim says "I'm coming"; Resolve closes the hand. A new hand is announced to screen
 * readers (politely), and, if the teacher turns the alerts on, with a chime and a title badge
 * while they look at another tab.
 */
export function HelpQueuePanel({ sessionId, queue }: { sessionId: string; queue: HelpQueue }) {
  const hands = useSyncExternalStore(queue.subscribe, queue.getSnapshot);
  const now = useNow(15_000);
  const waiting = hands.filter((hand) => hand.status === "waiting").length;
  const { announcement, alertsEnabled, setAlertsEnabled } = useHandAlerts(queue);
  const alertsId = useId();
  return (
    <section
      aria-labelledby="help-queue-heading"
      className="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="help-queue-heading" className="text-base font-semibold text-slate-900 dark:text-white">
          Help queue{" "}
          <span className="font-normal text-slate-500 dark:text-slate-400">
            {waiting === 0 ? "· nobody waiting" : `· ${waiting} waiting`}
          </span>
        </h2>
        <div className="flex items-center gap-2">
          <input
            id={alertsId}
            type="checkbox"
            checked={alertsEnabled}
            onChange={(e) => setAlertsEnabled(e.target.checked)}
            className="size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500 dark:border-slate-600"
          />
          <label htmlFor={alertsId} className="text-sm text-slate-700 dark:text-slate-300">
            Chime and tab badge for new hands
          </label>
        </div>
      </div>
      <p className="sr-only" role="status" aria-live="polite" data-testid="new-hand-announcement">
        {announcement}
      </p>
      {hands.length > 0 && (
        <ol className="mt-2 divide-y divide-slate-200 dark:divide-slate-800" data-testid="help-queue">
          {hands.map((hand) => (
            <HandRow key={hand.id} hand={hand} sessionId={sessionId} queue={queue} now={now} />
          ))}
        </ol>
      )}
    </section>
  );
}

/** What the teacher can do with a hand: claim it while it waits, resolve it always. */
const HAND_ACTIONS = [
  ["claimHand", "Claim"],
  ["resolveHand", "Resolve"],
] as const;

function HandRow({
  hand,
  sessionId,
  queue,
  now,
}: {
  hand: Hand;
  sessionId: string;
  queue: HelpQueue;
  now: number;
}) {
  const action = useAction();
  const change = (which: "claimHand" | "resolveHand") =>
    action.run(async () => {
      const reply = await api.call(which, { params: { id: sessionId, handId: hand.id } });
      queue.apply(reply.hand);
    });
  const focus = `/sessions/${sessionId}/students/${hand.userId}${hand.line ? `?line=${hand.line}` : ""}`;
  return (
    <li className="py-2" data-testid="help-queue-hand">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <span className="font-semibold text-slate-900 dark:text-white">
          {hand.position ? `${hand.position}. ` : ""}
          {hand.name}
        </span>
        <span className="text-slate-500 dark:text-slate-400">
          {hand.status === "helping"
            ? `${hand.helperName ?? "Someone"} is helping`
            : `waiting ${waitedText(hand.createdAt, now)}`}
          {hand.line ? ` · line ${hand.line}` : ""}
        </span>
        <div className="ml-auto flex gap-2">
          <Link to={focus} className={buttonClasses("secondary", "px-3 py-1")}>
            Open<span className="sr-only"> {hand.name}’s code</span>
          </Link>
          {(hand.status === "waiting" ? HAND_ACTIONS : HAND_ACTIONS.slice(1)).map(([which, label]) => (
            <Button
              key={which}
              variant="secondary"
              className="px-3 py-1"
              busy={action.busy}
              onClick={() => change(which)}
            >
              {label}
              <span className="sr-only"> {hand.name}’s hand</span>
            </Button>
          ))}
        </div>
      </div>
      {hand.message && <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">“{hand.message}”</p>}
      <ErrorAlert error={action.error} className="mt-1 py-2" />
    </li>
  );
}
