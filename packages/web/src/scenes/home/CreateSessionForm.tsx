import { LANGUAGE_INFO, LANGUAGES, type Language, LIMITS, type Session } from "@observer/protocol";
import { type FormEvent, useState } from "react";
import { api } from "../../api/client.ts";
import { ApiError, errorMessage } from "../../api/errors.ts";
import { Alert } from "../../ui/Alert.tsx";
import { Button } from "../../ui/Button.tsx";
import { SelectField, TextAreaField, TextField } from "../../ui/fields.tsx";
import { RunTimeField } from "./RunTimeField.tsx";
import { DEFAULT_RUN_TIME } from "./run-time-choices.ts";

const FIELDS = ["name", "language", "starterCode", "runTimeLimitSeconds"] as const;

/** The teacher's "Create a session" form; calls `onCreated` with the new session. */
export function CreateSessionForm({ onCreated }: { onCreated: (session: Session) => void }) {
  const [name, setName] = useState("");
  const [language, setLanguage] = useState<Language>("python");
  const [starterCode, setStarterCode] = useState("");
  const [runTime, setRunTime] = useState<number>(DEFAULT_RUN_TIME);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { session } = await api.call("createSession", {
        body: {
          name,
          language,
          ...(starterCode ? { starterCode } : {}),
          ...(runTime !== DEFAULT_RUN_TIME ? { runTimeLimitSeconds: runTime } : {}),
        },
      });
      setName("");
      setStarterCode("");
      onCreated(session);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const apiError = error instanceof ApiError ? error : null;
  const onlyFieldIssues =
    apiError !== null && apiError.issues.length > 0 && apiError.otherIssues(FIELDS).length === 0;

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Create a session">
      {error !== null && (
        <Alert tone="error">{onlyFieldIssues ? "Check the fields below." : errorMessage(error)}</Alert>
      )}
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-[minmax(0,1fr)_10rem_10rem]">
        <TextField
          label="Session name"
          name="name"
          required
          maxLength={LIMITS.sessionNameChars}
          placeholder="e.g. Loops in Python, period 3"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={apiError?.issueFor("name")}
        />
        <SelectField
          label="Language"
          name="language"
          value={language}
          onChange={(e) => setLanguage(e.target.value as Language)}
          error={apiError?.issueFor("language")}
        >
          {LANGUAGES.map((lang) => (
            <option key={lang} value={lang}>
              {LANGUAGE_INFO[lang].label}
            </option>
          ))}
        </SelectField>
        <RunTimeField
          value={runTime}
          onChange={setRunTime}
          error={apiError?.issueFor("runTimeLimitSeconds")}
        />
      </div>
      <TextAreaField
        label="Starter code (optional)"
        name="starterCode"
        rows={5}
        spellCheck={false}
        className="font-mono text-sm"
        placeholder="Code every student starts with"
        value={starterCode}
        onChange={(e) => setStarterCode(e.target.value)}
        error={apiError?.issueFor("starterCode")}
      />
      <Button type="submit" busy={busy}>
        Create session
      </Button>
    </form>
  );
}
