import type { Session, UpdateSessionBody } from "@observer/protocol";
import { type FormEvent, useEffect, useRef } from "react";
import { api } from "../../../api/client.ts";
import { Button } from "../../../ui/Button.tsx";
import { ErrorAlert } from "../../../ui/ErrorAlert.tsx";
import { useForm } from "../../../ui/useForm.ts";
import { RunTimeField } from "../../home/RunTimeField.tsx";
import { SessionNameField, StarterCodeField } from "../../home/SessionFields.tsx";

const FIELDS = ["name", "starterCode", "runTimeLimitSeconds"] as const;

/**
 * The teacher's "Edit session" form: name, starter code and time per run of an active session
 * (`PATCH /api/sessions/:id`, only what changed). New starter code is for students who have
 * not opened their code yet; the time per run applies from the next run.
 */
export function EditSessionForm({
  session,
  onSaved,
  onCancel,
}: {
  session: Session;
  onSaved: (session: Session) => void;
  onCancel: () => void;
}) {
  const form = useForm({
    name: session.name,
    starterCode: session.starterCode,
    runTimeLimitSeconds: String(session.runTimeLimitSeconds),
  });
  const element = useRef<HTMLFormElement>(null);

  useEffect(() => element.current?.querySelector("input")?.focus(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { name, starterCode } = form.values;
    const runTime = Number(form.values.runTimeLimitSeconds);
    const body: UpdateSessionBody = {};
    if (name !== session.name) body.name = name;
    if (starterCode !== session.starterCode) body.starterCode = starterCode;
    if (runTime !== session.runTimeLimitSeconds) body.runTimeLimitSeconds = runTime;
    if (Object.keys(body).length === 0) return onCancel();
    void form.run(
      async () => {
        const reply = await api.call("updateSession", { params: { id: session.id }, body });
        onSaved(reply.session);
      },
      { leaving: true },
    );
  };

  return (
    <form
      ref={element}
      onSubmit={submit}
      noValidate
      aria-label="Edit session"
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <ErrorAlert error={form.error} fields={FIELDS} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-[minmax(0,1fr)_10rem]">
        <SessionNameField {...form.field("name")} />
        <RunTimeField {...form.field("runTimeLimitSeconds")} />
      </div>
      <StarterCodeField
        hint="For students who have not opened their code yet; code already written stays as it is."
        {...form.field("starterCode")}
      />
      <div className="flex gap-2">
        <Button type="submit" busy={form.busy}>
          Save changes
        </Button>
        <Button type="button" variant="secondary" onClick={onCancel} disabled={form.busy}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
