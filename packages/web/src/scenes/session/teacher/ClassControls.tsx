import { LANGUAGE_INFO, type Session, type UpdateSessionBody } from "@observer/protocol";
import { api } from "../../../api/client.ts";
import { ErrorAlert } from "../../../ui/ErrorAlert.tsx";
import { useAction } from "../../../ui/useAction.ts";

/**
 * The teacher's class controls in the session header: lock every student's editor, deny
 * running, lock the language. Each is a toggle button (`aria-pressed`, its state visible as
 * a filled switch) that changes the session at once (`PATCH /api/sessions/:id`); every member
 * sees the change live over the session channel. `onChanged` gets the changed session.
 */
export function ClassControls({
  session,
  onChanged,
}: {
  session: Session;
  onChanged: (session: Session) => void;
}) {
  const action = useAction();
  const change = (body: UpdateSessionBody) =>
    action.run(async () => {
      const reply = await api.call("updateSession", { params: { id: session.id }, body });
      onChanged(reply.session);
    });
  const language = LANGUAGE_INFO[session.language].label;

  return (
    <div className="flex flex-col items-end gap-1">
      <fieldset className="flex flex-wrap items-center gap-2" aria-describedby={`controls-${session.id}`}>
        <legend className="sr-only">Class controls</legend>
        <Toggle
          label="Lock editing"
          pressed={session.editing === "locked"}
          disabled={action.busy}
          onToggle={(on) => change({ editing: on ? "locked" : "open" })}
        />
        <Toggle
          label="Deny running"
          pressed={session.running === "denied"}
          disabled={action.busy}
          onToggle={(on) => change({ running: on ? "denied" : "allowed" })}
        />
        <Toggle
          label={`Lock language (${language})`}
          pressed={session.languageLocked}
          disabled={action.busy}
          onToggle={(on) => change({ languageLocked: on })}
        />
      </fieldset>
      <p
        id={`controls-${session.id}`}
        className="text-xs text-slate-600 dark:text-slate-400"
        aria-live="polite"
        data-testid="class-controls-state"
      >
        {controlsSummary(session)}
      </p>
      <ErrorAlert error={action.error} className="py-2" />
    </div>
  );
}

/** What the students may do now, in one line ("Students can edit and run, in any language."). */
export function controlsSummary(
  session: Pick<Session, "editing" | "running" | "languageLocked" | "language">,
) {
  const edit = session.editing === "locked" ? "Editing locked" : "Editing open";
  const run = session.running === "denied" ? "running denied" : "running allowed";
  const language = session.languageLocked ? `${LANGUAGE_INFO[session.language].label} only` : "any language";
  return `Students: ${edit}, ${run}, ${language}.`;
}

/** A toggle button of the session header: `aria-pressed`, its state shown as a filled switch. */
export function Toggle({
  label,
  pressed,
  disabled,
  describedBy,
  onToggle,
}: {
  label: string;
  pressed: boolean;
  disabled: boolean;
  /** The id of what explains the state (e.g. who sees what now). */
  describedBy?: string;
  onToggle: (on: boolean) => void;
}) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      aria-describedby={describedBy}
      disabled={disabled}
      onClick={() => onToggle(!pressed)}
      className={`inline-flex items-center gap-2 rounded-lg border px-3 py-2 text-sm font-semibold shadow-sm transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 disabled:cursor-wait disabled:opacity-70 ${
        pressed
          ? "border-amber-400 bg-amber-100 text-amber-950 hover:bg-amber-200 dark:border-amber-500/70 dark:bg-amber-900/60 dark:text-amber-50 dark:hover:bg-amber-900"
          : "border-slate-300 bg-white text-slate-800 hover:bg-slate-50 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700"
      }`}
    >
      <span
        aria-hidden="true"
        className={`relative inline-block h-4 w-7 rounded-full transition-colors ${pressed ? "bg-amber-600" : "bg-slate-300 dark:bg-slate-600"}`}
      >
        <span
          className={`absolute top-0.5 size-3 rounded-full bg-white shadow transition-all ${pressed ? "left-3.5" : "left-0.5"}`}
        />
      </span>
      {label}
    </button>
  );
}
