import { LIMITS } from "@observer/protocol";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { api } from "../../api/client.ts";
import { ApiError, errorMessage } from "../../api/errors.ts";
import { Alert } from "../../ui/Alert.tsx";
import { Button } from "../../ui/Button.tsx";
import { TextField } from "../../ui/fields.tsx";
import { useAction } from "../../ui/useAction.ts";

/** Errors that are about the code itself, shown under the code field. */
const CODE_ERRORS = new Set(["session_not_found", "session_ended", "validation_failed"]);

/**
 * The student's "Join a session" form. The code is shown upper-case but sent as typed: the
 * API accepts any case (and ignores spaces and dashes).
 */
export function JoinForm() {
  const navigate = useNavigate();
  const [code, setCode] = useState("");
  const action = useAction();
  const { error } = action;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(
      async () => {
        const { session } = await api.call("joinSession", { body: { joinCode: code } });
        navigate(`/sessions/${session.id}`);
      },
      { leaving: true },
    );
  };

  const codeError =
    error instanceof ApiError && CODE_ERRORS.has(error.code)
      ? (error.issueFor("joinCode") ?? error.message)
      : undefined;

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Join a session">
      {error !== null && codeError === undefined && <Alert tone="error">{errorMessage(error)}</Alert>}
      <TextField
        label="Join code"
        name="joinCode"
        required
        autoComplete="off"
        autoCapitalize="characters"
        autoCorrect="off"
        spellCheck={false}
        maxLength={LIMITS.joinCodeChars + 4}
        placeholder="ABC123"
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={codeError}
        hint="The code your teacher shows, in any case."
        className="font-mono text-2xl font-semibold tracking-[0.3em] uppercase placeholder:tracking-[0.3em] placeholder:normal-case sm:max-w-xs"
      />
      <Button type="submit" busy={action.busy} disabled={code.trim() === ""}>
        Join
      </Button>
    </form>
  );
}
