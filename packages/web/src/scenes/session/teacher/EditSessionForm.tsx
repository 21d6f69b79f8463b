import { LIMITS, type Session, type UpdateSessionBody } from "@observer/protocol";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { api } from "../../../api/client.ts";
import { ApiError, errorMessage } from "../../../api/errors.ts";
import { Alert } from "../../../ui/Alert.tsx";
import { Button } from "../../../ui/Button.tsx";
import { TextAreaField, TextField } from "../../../ui/fields.tsx";
import { RunTimeField } from "../../home/RunTimeField.tsx";

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
  const [name, setName] = useState(session.name);
  const [starterCode, setStarterCode] = useState(session.starterCode);
  const [runTime, setRunTime] = useState(session.runTimeLimitSeconds);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => form.current?.querySelector("input")?.focus(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: UpdateSessionBody = {};
    if (name !== session.name) body.name = name;
    if (starterCode !== session.starterCode) body.starterCode = starterCode;
    if (runTime !== session.runTimeLimitSeconds) body.runTimeLimitSeconds = runTime;
    if (Object.keys(body).length === 0) return onCancel();
    setBusy(true);
    setError(null);
    try {
      const reply = await api.call("updateSession", { params: { id: session.id }, body });
      onSaved(reply.session);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const apiError = error instanceof ApiError ? error : null;
  const onlyFieldIssues =
    apiError !== null && apiError.issues.length > 0 && apiError.otherIssues(FIELDS).length === 0;

  return (
    <form
      ref={form}
      onSubmit={submit}
      noValidate
      aria-label="Edit session"
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      {error !== null && (
        <Alert tone="error">{onlyFieldIssues ? "Check the fields below." : errorMessage(error)}</Alert>
      )}
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-[minmax(0,1fr)_10rem]">
        <TextField
          label="Session name"
          name="name"
          required
          maxLength={LIMITS.sessionNameChars}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={apiError?.issueFor("name")}
        />
        <RunTimeField
          value={runTime}
          onChange={setRunTime}
          error={apiError?.issueFor("runTimeLimitSeconds")}
        />
      </div>
      <TextAreaField
        label="Starter code"
        name="starterCode"
        rows={5}
        spellCheck={false}
        className="font-mono text-sm"
        value={starterCode}
        onChange={(e) => setStarterCode(e.target.value)}
        error={apiError?.issueFor("starterCode")}
        hint="For students who have not opened their code yet; code already written stays as it is."
      />
      <div className="flex gap-2">
        <Button type="submit" busy={busy}>
          Save changes
        </Button>
        <Button type="button" variant="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
