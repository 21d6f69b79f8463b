import { LIMITS } from "@observer/protocol";
import { type FormEvent, useId, useState, useSyncExternalStore } from "react";
import { api } from "../api/client.ts";
import type { HelpQueue } from "../live/help-queue.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorAlert } from "../ui/ErrorAlert.tsx";
import { useAction } from "../ui/useAction.ts";
import { ownHandText } from "./hand-text.ts";

/**
 * A student's hand: "Raise hand" opens a short form (an optional message, and the line the
 * cursor is on); while it is up, where it stands ("2nd in line", "… is coming to help"),
 * announced politely, and "Lower hand".
 */
export function RaiseHand({
  sessionId,
  userId,
  queue,
  cursorLine,
  disabled,
}: {
  sessionId: string;
  userId: string;
  queue: HelpQueue;
  /** The line the student's cursor is on, or null. */
  cursorLine: () => number | null;
  disabled: boolean;
}) {
  useSyncExternalStore(queue.subscribe, queue.getSnapshot);
  const hand = queue.handOf(userId);
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState("");
  const [line, setLine] = useState<number | null>(null);
  // Opt-in: the cursor may be anywhere (line 1 before the student clicked into the code).
  const [aboutLine, setAboutLine] = useState(false);
  const action = useAction();
  const formId = useId();

  const start = () => {
    setLine(cursorLine());
    setAboutLine(false);
    setOpen(true);
  };
  const raise = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const body = { message: message.trim(), line: aboutLine ? line : null };
      const reply = await api.call("raiseHand", { params: { id: sessionId }, body });
      queue.apply(reply.hand);
      setOpen(false);
      setMessage("");
    });
  };
  const lower = () => {
    if (!hand) return;
    void action.run(async () => {
      const reply = await api.call("resolveHand", { params: { id: sessionId, handId: hand.id } });
      queue.apply(reply.hand);
    });
  };

  return (
    <div className="flex flex-wrap items-center gap-2">
      <p role="status" aria-live="polite" className="text-sm font-medium text-amber-800 dark:text-amber-300">
        {hand ? <span data-testid="hand-status">{ownHandText(hand)}</span> : null}
      </p>
      {hand ? (
        <Button variant="secondary" onClick={lower} busy={action.busy}>
          Lower hand
        </Button>
      ) : (
        !open && (
          <Button variant="secondary" onClick={start} disabled={disabled}>
            Raise hand
          </Button>
        )
      )}
      {open && !hand && (
        <form
          id={formId}
          onSubmit={raise}
          aria-label="Raise your hand"
          className="flex w-full flex-wrap items-center gap-2 rounded-lg border border-amber-300 bg-amber-50 p-2 dark:border-amber-800 dark:bg-amber-950/40"
        >
          <label className="sr-only" htmlFor={`${formId}-message`}>
            What do you need help with? (optional)
          </label>
          <input
            id={`${formId}-message`}
            // biome-ignore lint/a11y/noAutofocus: the form opens on the student's request; typing goes here.
            autoFocus
            value={message}
            maxLength={LIMITS.handMessageChars}
            onChange={(event) => setMessage(event.target.value)}
            placeholder="What do you need help with? (optional)"
            className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900"
          />
          {line !== null && (
            <label className="flex items-center gap-1.5 text-sm text-slate-700 dark:text-slate-300">
              <input
                type="checkbox"
                checked={aboutLine}
                onChange={(event) => setAboutLine(event.target.checked)}
              />
              Ask about line {line}
            </label>
          )}
          <Button type="submit" busy={action.busy}>
            Raise hand
          </Button>
          <Button type="button" variant="ghost" onClick={() => setOpen(false)}>
            Cancel
          </Button>
        </form>
      )}
      <ErrorAlert error={action.error} className="w-full py-2" />
    </div>
  );
}
