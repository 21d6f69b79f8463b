import { LANGUAGE_INFO, LANGUAGES, type Language, type Session } from "@observer/protocol";
import type { FormEvent } from "react";
import { api } from "../../api/client.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorAlert } from "../../ui/ErrorAlert.tsx";
import { SelectField } from "../../ui/fields.tsx";
import { useForm } from "../../ui/useForm.ts";
import { RunTimeField } from "./RunTimeField.tsx";
import { DEFAULT_RUN_TIME } from "./run-time-choices.ts";
import { SessionNameField, StarterCodeField } from "./SessionFields.tsx";

const FIELDS = ["name", "language", "starterCode", "runTimeLimitSeconds"] as const;

/** The teacher's "Create a session" form; calls `onCreated` with the new session. */
export function CreateSessionForm({ onCreated }: { onCreated: (session: Session) => void }) {
  const form = useForm({
    name: "",
    language: "python",
    starterCode: "",
    runTimeLimitSeconds: String(DEFAULT_RUN_TIME),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { name, starterCode } = form.values;
    const runTime = Number(form.values.runTimeLimitSeconds);
    const body = {
      name,
      language: form.values.language as Language,
      starterCode: starterCode || undefined,
      runTimeLimitSeconds: runTime !== DEFAULT_RUN_TIME ? runTime : undefined,
    };
    void form.run(async () => {
      const { session } = await api.call("createSession", { body });
      form.set({ name: "", starterCode: "" });
      onCreated(session);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Create a session">
      <ErrorAlert error={form.error} fields={FIELDS} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-[minmax(0,1fr)_10rem_10rem]">
        <SessionNameField placeholder="e.g. Loops in Python, period 3" {...form.field("name")} />
        <SelectField label="Language" {...form.field("language")}>
          {LANGUAGES.map((lang) => (
            <option key={lang} value={lang}>
              {LANGUAGE_INFO[lang].label}
            </option>
          ))}
        </SelectField>
        <RunTimeField {...form.field("runTimeLimitSeconds")} />
      </div>
      <StarterCodeField
        optional
        placeholder="Code every student starts with"
        {...form.field("starterCode")}
      />
      <Button type="submit" busy={form.busy}>
        Create session
      </Button>
    </form>
  );
}
