import type { Session } from "@observer/protocol";
import { useState } from "react";
import { useNavigate } from "react-router";
import { api } from "../../../api/client.ts";
import { Button } from "../../../ui/Button.tsx";
import { ConfirmDialog } from "../../../ui/ConfirmDialog.tsx";
import { ErrorAlert } from "../../../ui/ErrorAlert.tsx";
import { TextField } from "../../../ui/fields.tsx";
import { useAction } from "../../../ui/useAction.ts";

/** What the home page reads from the navigation state after a deletion, to say it is done. */
export interface DeletedSessionState {
  deletedSession: string;
}

/**
 * "Delete session" with a confirmation that names everything that goes and asks for the
 * session's name before Delete turns on; then the home page, which says it was deleted.
 */
export function DeleteSessionButton({ session }: { session: Session }) {
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState("");
  const action = useAction();
  const navigate = useNavigate();
  const named = typed.trim() === session.name.trim();

  const close = () => {
    setConfirming(false);
    setTyped("");
  };

  const remove = () => {
    if (!named || action.busy) return;
    void action.run(
      async () => {
        await api.call("deleteSession", { params: { id: session.id } });
        const state: DeletedSessionState = { deletedSession: session.name };
        navigate("/", { replace: true, state });
      },
      { leaving: true },
    );
  };

  return (
    <>
      <Button variant="dangerOutline" onClick={() => setConfirming(true)}>
        Delete session
      </Button>
      <ConfirmDialog
        open={confirming}
        title="Delete this session?"
        confirmLabel="Delete"
        busy={action.busy}
        confirmDisabled={!named}
        onConfirm={remove}
        onCancel={close}
      >
        <p>“{session.name}” and everything in it are deleted for good:</p>
        <ul className="mt-2 list-disc space-y-0.5 pl-5">
          <li>every student’s code, with its history and playback</li>
          <li>the runs and their output</li>
          <li>the raised hands</li>
        </ul>
        <p className="mt-2">
          This cannot be undone. To keep a copy, cancel and use “Download all (zip)” first.
        </p>
        <div className="mt-4">
          <TextField
            label={`Type “${session.name}” to confirm`}
            value={typed}
            autoComplete="off"
            spellCheck={false}
            disabled={action.busy}
            onChange={(event) => setTyped(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") remove();
            }}
          />
        </div>
        <ErrorAlert error={action.error} className="mt-3" />
      </ConfirmDialog>
    </>
  );
}
