import { AI_LIMITS, AI_MODES, type AiMode, type Session, type UpdateSessionBody } from "@observer/protocol";
import { type FormEvent, useEffect, useId, useState } from "react";
import { api } from "../api/client.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorAlert } from "../ui/ErrorAlert.tsx";
import { INPUT_CLASSES } from "../ui/fields.tsx";
import { useAction } from "../ui/useAction.ts";

export const AI_MODE_LABELS: Record<AiMode, string> = { off: "Off", hints: "Hints only", full: "Full help" };

/** What the students get, in one line ("Students get hints, never a solution; 10 questions an hour each."). */
export function aiModeSummary(session: Pick<Session, "ai" | "aiQuestionsPerHour">): string {
  if (session.ai === "off") return "Students see no AI help.";
  const what =
    session.ai === "hints"
      ? "Students can ask for hints and explanations, never a solution"
      : "Students can ask for any help, solutions included";
  const limit =
    session.aiQuestionsPerHour === null
      ? "no limit on questions"
      : `at most ${session.aiQuestionsPerHour} ${session.aiQuestionsPerHour === 1 ? "question" : "questions"} an hour each`;
  return `${what}; ${limit}.`;
}

/**
 * The teacher's AI help controls of a session: the mode (off / hints only / full help) as
 * a group of radio buttons that changes the session at once, and the questions a student may
 * ask per hour (empty: no limit), both through `PATCH /api/sessions/:id`. Students see the
 * change live over the session channel.
 */
export function AiSessionControls({
  session,
  onChanged,
}: {
  session: Session;
  onChanged: (session: Session) => void;
}) {
  const action = useAction();
  const ids = { mode: useId(), limit: useId(), summary: useId() };
  const current = session.aiQuestionsPerHour === null ? "" : String(session.aiQuestionsPerHour);
  const [limit, setLimit] = useState(current);
  useEffect(() => setLimit(current), [current]);
  const change = (body: UpdateSessionBody) =>
    action.run(async () => {
      const reply = await api.call("updateSession", { params: { id: session.id }, body });
      onChanged(reply.session);
    });
  const saveLimit = (event: FormEvent) => {
    event.preventDefault();
    const value = limit.trim() === "" ? null : Number(limit);
    if (value === session.aiQuestionsPerHour) return;
    void change({ aiQuestionsPerHour: value });
  };

  return (
    <div className="space-y-1.5">
      <div className="flex flex-wrap items-center gap-x-5 gap-y-2">
        <fieldset className="flex flex-wrap items-center gap-2" aria-describedby={ids.summary}>
          <legend className="sr-only">AI help for students</legend>
          <span aria-hidden="true" className="text-sm font-medium text-slate-700 dark:text-slate-300">
            Students get
          </span>
          <div className="inline-flex overflow-hidden rounded-lg border border-slate-300 shadow-sm dark:border-slate-600">
            {AI_MODES.map((mode) => (
              <label
                key={mode}
                className="cursor-pointer border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 not-first:border-l hover:bg-slate-50 has-checked:bg-indigo-600 has-checked:text-white has-focus-visible:outline-2 has-focus-visible:-outline-offset-2 has-focus-visible:outline-indigo-500 has-disabled:cursor-wait dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700 dark:has-checked:bg-indigo-500"
              >
                <input
                  type="radio"
                  name={ids.mode}
                  value={mode}
                  checked={session.ai === mode}
                  disabled={action.busy}
                  onChange={() => change({ ai: mode })}
                  className="sr-only"
                />
                {AI_MODE_LABELS[mode]}
              </label>
            ))}
          </div>
        </fieldset>
        <form onSubmit={saveLimit} className="flex flex-wrap items-center gap-2" aria-label="Question limit">
          <label
            htmlFor={ids.limit}
            className="text-sm font-medium whitespace-nowrap text-slate-700 dark:text-slate-300"
          >
            Questions per student per hour
          </label>
          <input
            id={ids.limit}
            type="number"
            inputMode="numeric"
            min={1}
            max={AI_LIMITS.maxQuestionsPerHour}
            placeholder="No limit"
            value={limit}
            onChange={(event) => setLimit(event.target.value)}
            className={`${INPUT_CLASSES.replace("w-full", "w-24")} h-9 py-1 text-sm`}
          />
          <Button
            type="submit"
            variant="secondary"
            className="px-3 py-1.5"
            disabled={action.busy || limit.trim() === current}
          >
            Set
          </Button>
        </form>
      </div>
      <p
        id={ids.summary}
        className="text-xs text-slate-600 dark:text-slate-400"
        aria-live="polite"
        data-testid="ai-mode-summary"
      >
        {aiModeSummary(session)}
      </p>
      <ErrorAlert error={action.error} className="py-2" />
    </div>
  );
}
