import { useEffect, useState } from "react";
import type { StudentDocument } from "../../../live/student-document.ts";
import { Alert } from "../../../ui/Alert.tsx";
import { Button } from "../../../ui/Button.tsx";

/**
 * The server's message when the student's storage for the session is full (a stateless
 * message on their document, repeated at most once a minute while they keep editing).
 * Their code is still saved, so it is an informative notice, not an error. Once dismissed
 * it stays away on this page: a refused run says so again in the Run panel.
 */
export function StorageNotice({ live }: { live: StudentDocument }) {
  const [message, setMessage] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => live.onStorageNotice(setMessage), [live]);
  if (!message || dismissed) return null;
  return (
    <Alert tone="info" className="py-2">
      <div className="flex items-center gap-4">
        <span data-testid="storage-notice" className="min-w-0 flex-1">
          {message}
        </span>
        <Button variant="ghost" className="shrink-0 px-3 py-1" onClick={() => setDismissed(true)}>
          Dismiss
        </Button>
      </div>
    </Alert>
  );
}
