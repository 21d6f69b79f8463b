import { useId, useState } from "react";
import { Button } from "../ui/Button.tsx";
import { RunHistory } from "./RunHistory.tsx";

/**
 * A student's own runs in the session, under their terminal: closed at first (the workspace is
 * for code), and loaded only once opened; it follows each new run while open.
 */
export function OwnRunHistory({
  sessionId,
  userId,
  refreshKey,
}: {
  sessionId: string;
  userId: string;
  refreshKey: string;
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <div>
      <Button variant="secondary" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
        {open ? "Hide my runs" : "My runs"}
      </Button>
      <div id={panelId} className="mt-2" hidden={!open}>
        {open && (
          <RunHistory sessionId={sessionId} userId={userId} refreshKey={refreshKey} heading="Your runs" />
        )}
      </div>
    </div>
  );
}
