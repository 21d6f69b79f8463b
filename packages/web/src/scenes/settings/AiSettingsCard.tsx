import {
  AI_LIMITS,
  AI_PROVIDER_LABELS,
  AI_PROVIDERS,
  type AiProvider,
  type AiSettings,
  type AiTestReply,
} from "@observer/protocol";
import { type FormEvent, useState } from "react";
import { api } from "../../api/client.ts";
import { errorMessage } from "../../api/errors.ts";
import { useQuery } from "../../api/useQuery.ts";
import { Alert } from "../../ui/Alert.tsx";
import { Button } from "../../ui/Button.tsx";
import { Card } from "../../ui/Card.tsx";
import { ErrorAlert } from "../../ui/ErrorAlert.tsx";
import { SelectField, TextField } from "../../ui/fields.tsx";
import { Loading } from "../../ui/Spinner.tsx";
import { useAction } from "../../ui/useAction.ts";
import { useFadingNotice } from "../../ui/useFadingNotice.ts";
import { useForm } from "../../ui/useForm.ts";
import {
  type AiSettingsValues,
  initialValues,
  isDirty,
  type KeyChange,
  MODEL_EXAMPLES,
  settingsBody,
} from "./ai-settings-form.ts";

const FIELDS = ["provider", "model", "baseUrl", "apiKey"] as const;

/** The "AI help" card: loads the saved settings, then the form. */
export function AiSettingsCard() {
  const query = useQuery("ai-settings", () => api.call("getAiSettings"));
  return (
    <Card title="AI help" titleId="settings-ai">
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        Your students’ AI help uses your own account with an AI service. The key is stored encrypted and never
        shown again; each session chooses whether students get hints only, full help, or none.
      </p>
      {query.data === undefined ? (
        query.error !== null ? (
          <Alert tone="error">{errorMessage(query.error)}</Alert>
        ) : (
          <Loading label="Loading your AI settings…" />
        )
      ) : (
        <AiSettingsForm saved={query.data.settings} />
      )}
    </Card>
  );
}

function AiSettingsForm({ saved: initial }: { saved: AiSettings | null }) {
  const [saved, setSaved] = useState(initial);
  const form = useForm<AiSettingsValues>(initialValues(initial));
  const [key, setKey] = useState<KeyChange>(initial?.apiKey ? "keep" : "replace");
  const [notice, setNotice] = useFadingNotice();
  const test = useAction();
  const [tested, setTested] = useState<AiTestReply | null>(null);
  const provider = form.values.provider;
  const compatible = provider === "openai-compatible";
  // "Replace" with nothing typed sends no key: the stored one (if any) stays.
  const change: KeyChange = key === "replace" && !form.values.apiKey.trim() ? "keep" : key;
  const dirty = isDirty(form.values, saved, change);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void form.run(async () => {
      const reply = await api.call("putAiSettings", { body: settingsBody(form.values, change) });
      setSaved(reply.settings);
      form.set({ ...initialValues(reply.settings) });
      setKey(reply.settings?.apiKey ? "keep" : "replace");
      setTested(null);
      setNotice("Saved.");
    });
  };
  const runTest = () =>
    test.run(async () => {
      setTested(null);
      setTested(await api.call("testAiSettings"));
    });

  return (
    <form onSubmit={submit} noValidate aria-label="AI help settings" className="space-y-4">
      <ErrorAlert error={form.error} fields={FIELDS} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <SelectField
          label="Provider"
          {...form.field("provider")}
          onChange={(event) => form.set({ provider: event.target.value as AiProvider })}
        >
          {AI_PROVIDERS.map((id) => (
            <option key={id} value={id}>
              {AI_PROVIDER_LABELS[id]}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Model"
          required
          maxLength={AI_LIMITS.modelChars}
          placeholder={MODEL_EXAMPLES[provider]}
          autoComplete="off"
          spellCheck={false}
          {...form.field("model")}
        />
      </div>
      <TextField
        label={compatible ? "Base URL" : "Base URL (optional)"}
        required={compatible}
        type="url"
        maxLength={AI_LIMITS.baseUrlChars}
        placeholder={compatible ? "http://localhost:11434/v1" : "The provider’s own address"}
        hint={
          compatible
            ? "The server’s OpenAI-compatible address, ending in /v1 (Ollama, vLLM, LM Studio)."
            : "Only for a proxy or a regional endpoint; leave empty otherwise."
        }
        autoComplete="off"
        spellCheck={false}
        {...form.field("baseUrl")}
      />
      <KeyField form={form} saved={saved} keyChange={key} setKeyChange={setKey} compatible={compatible} />
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" busy={form.busy}>
          Save
        </Button>
        <Button
          variant="secondary"
          onClick={runTest}
          busy={test.busy}
          disabled={!saved || dirty || form.busy}
          title={!saved ? "Save your settings first" : dirty ? "Save your changes to test them" : undefined}
        >
          Test connection
        </Button>
        {notice && (
          <span role="status" className="text-sm font-medium text-emerald-700 dark:text-emerald-400">
            {notice}
          </span>
        )}
        {saved && dirty && !notice && (
          <span className="text-sm text-slate-500 dark:text-slate-400">Unsaved changes</span>
        )}
      </div>
      <ErrorAlert error={test.error} />
      {tested && (
        <Alert tone={tested.ok ? "success" : "error"} title={tested.ok ? "Connected" : "The test failed"}>
          <span data-testid="ai-test-result">
            {tested.message} <span className="text-xs opacity-80">({tested.latencyMs} ms)</span>
          </span>
        </Alert>
      )}
    </form>
  );
}

/**
 * The API key: the masked saved key with "Replace key" and "Remove key", or a password field
 * for a new one. Saving without touching it keeps the stored key.
 */
function KeyField({
  form,
  saved,
  keyChange,
  setKeyChange,
  compatible,
}: {
  form: ReturnType<typeof useForm<AiSettingsValues>>;
  saved: AiSettings | null;
  keyChange: KeyChange;
  setKeyChange: (change: KeyChange) => void;
  compatible: boolean;
}) {
  const stored = saved?.apiKey ?? null;
  if (keyChange === "replace" || !stored) {
    return (
      <div className="space-y-2">
        <TextField
          label={stored ? "New API key" : compatible ? "API key (optional)" : "API key"}
          type="password"
          autoComplete="new-password"
          spellCheck={false}
          maxLength={AI_LIMITS.apiKeyChars}
          hint={
            compatible
              ? "Many local servers need none. Stored encrypted; only its last 4 characters are ever shown."
              : "Stored encrypted; only its last 4 characters are ever shown."
          }
          {...form.field("apiKey")}
        />
        {stored && (
          <Button
            variant="ghost"
            className="px-2 py-1"
            onClick={() => {
              form.set({ apiKey: "" });
              setKeyChange("keep");
            }}
          >
            Keep the current key
          </Button>
        )}
      </div>
    );
  }
  return (
    <div className="space-y-1.5">
      <p className="text-sm font-medium text-slate-800 dark:text-slate-200">API key</p>
      <div className="flex flex-wrap items-center gap-2">
        <code
          data-testid="ai-key-masked"
          className={`rounded-md bg-slate-100 px-2 py-1 font-mono text-sm dark:bg-slate-800 ${
            keyChange === "remove" ? "text-slate-400 line-through" : "text-slate-800 dark:text-slate-100"
          }`}
        >
          {stored}
        </code>
        {keyChange === "remove" ? (
          <>
            <span className="text-sm text-red-700 dark:text-red-400">Removed when you save.</span>
            <Button variant="ghost" className="px-2 py-1" onClick={() => setKeyChange("keep")}>
              Undo
            </Button>
          </>
        ) : (
          <>
            <Button variant="secondary" className="px-3 py-1" onClick={() => setKeyChange("replace")}>
              Replace key
            </Button>
            <Button variant="dangerOutline" className="px-3 py-1" onClick={() => setKeyChange("remove")}>
              Remove key
            </Button>
          </>
        )}
      </div>
    </div>
  );
}
