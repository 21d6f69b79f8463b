import { useEffect, useState } from "react";
import { api } from "../../../api/client.ts";
import { ApiError } from "../../../api/errors.ts";

/**
 * Whether the session was deleted while this page had it open. Deleting it first ends it on
 * the channel, then the server refuses its document: once `suspect` (ended, then refused), the
 * session is asked for once more, and a 404 says it is gone.
 */
export function useSessionGone(sessionId: string, suspect: boolean): boolean {
  const [gone, setGone] = useState(false);
  useEffect(() => {
    if (!suspect) return;
    let cancelled = false;
    api.call("getSession", { params: { id: sessionId } }).catch((error: unknown) => {
      if (!cancelled && error instanceof ApiError && error.status === 404) setGone(true);
    });
    return () => {
      cancelled = true;
    };
  }, [sessionId, suspect]);
  return gone;
}
