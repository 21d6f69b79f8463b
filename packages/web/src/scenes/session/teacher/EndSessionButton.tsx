import type { Session } from "@observer/protocol";
import { useState } from "react";
import { api } from "../../../api/client.ts";
import { errorMessage } from "../../../api/errors.ts";
import { Alert } from "../../../ui/Alert.tsx";
import { Button } from "../../../ui/Button.tsx";
import { ConfirmDialog } from "../../../ui/ConfirmDialog.tsx";

/** "End session" with its confirmation; `onEnded` reloads the session. */
export function EndSessionButton({ session, onEnded }: { session: Session; onEnded: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [ending, setEnding] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const end = async () => {
    setEnding(true);
    setError(null);
    try {
      await api.call("endSession", { params: { id: session.id } });
      setConfirming(false);
      await onEnded();
    } catch (err) {
      setError(err);
    } finally {
      setEnding(false);
    }
  };

  return (
    <>
      <Button variant="dangerOutline" onClick={() => setConfirming(true)}>
        End session
      </Button>
      <ConfirmDialog
        open={confirming}
        title="End this session?"
        confirmLabel="End session"
        busy={ending}
        onConfirm={end}
        onCancel={() => setConfirming(false)}
      >
        <p>
          Students can no longer join “{session.name}” and their editors become read-only. This cannot be
          undone.
        </p>
        {error !== null && (
          <Alert tone="error" className="mt-3">
            {errorMessage(error)}
          </Alert>
        )}
      </ConfirmDialog>
    </>
  );
}
