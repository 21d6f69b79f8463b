import type { Session } from "@observer/protocol";
import { api } from "../../../api/client.ts";
import { ErrorAlert } from "../../../ui/ErrorAlert.tsx";
import { useAction } from "../../../ui/useAction.ts";
import { Toggle } from "./ClassControls.tsx";

/**
 * "Show to students": turns the session's broadcast on or off at once (`PATCH
 * /api/sessions/:id` with `broadcast`); every student sees the change live over the session
 * channel. A toggle button like the class controls, with a line saying who sees the code now.
 */
export function BroadcastToggle({
  session,
  onChanged,
}: {
  session: Session;
  onChanged: (session: Session) => void;
}) {
  const action = useAction();
  const on = session.broadcast === "on";
  const ended = session.status !== "active";
  const toggle = (next: boolean) =>
    action.run(async () => {
      const reply = await api.call("updateSession", {
        params: { id: session.id },
        body: { broadcast: next ? "on" : "off" },
      });
      onChanged(reply.session);
    });

  return (
    <div className="flex flex-col items-end gap-1">
      <Toggle
        label="Show to students"
        pressed={on}
        disabled={action.busy || ended}
        describedBy={`broadcast-state-${session.id}`}
        onToggle={toggle}
      />
      <p
        id={`broadcast-state-${session.id}`}
        className="text-xs text-slate-600 dark:text-slate-400"
        aria-live="polite"
        data-testid="broadcast-state"
      >
        {on ? "Students see this code beside their own, live." : "Students do not see this code."}
      </p>
      <ErrorAlert error={action.error} className="py-2" />
    </div>
  );
}
