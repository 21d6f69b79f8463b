import type { Session } from "@observer/protocol";
import { useState } from "react";
import { api } from "../../../api/client.ts";
import { Button } from "../../../ui/Button.tsx";
import { ConfirmDialog } from "../../../ui/ConfirmDialog.tsx";
import { ErrorAlert } from "../../../ui/ErrorAlert.tsx";
import { useAction } from "../../../ui/useAction.ts";

/** "End session" with its confirmation; `onEnded` reloads the session. */
export function EndSessionButton({ session, onEnded }: { session: Session; onEnded: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const action = useAction();

  const end = () =>
    action.run(async () => {
      await api.call("endSession", { params: { id: session.id } });
      setConfirming(false);
      await onEnded();
    });

  return (
    <>
      <Button variant="dangerOutline" onClick={() => setConfirming(true)}>
        End session
      </Button>
      <ConfirmDialog
        open={confirming}
        title="End this session?"
        confirmLabel="End session"
        busy={action.busy}
        onConfirm={end}
        onCancel={() => setConfirming(false)}
      >
        <p>
          Students can no longer join “{session.name}” and their editors become read-only. This cannot be
          undone.
        </p>
        <ErrorAlert error={action.error} className="mt-3" />
      </ConfirmDialog>
    </>
  );
}
