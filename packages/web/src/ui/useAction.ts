import { useState } from "react";
import { ApiError } from "../api/errors.ts";

/** An action that sends a request: whether it is under way, and the error it last ended with. */
export interface Action {
  busy: boolean;
  error: unknown;
  /** The error when the API answered it (with its code and field issues), else null. */
  apiError: ApiError | null;
  /**
   * Runs `request`, clearing the last error first. After a failure the action is no longer
   * busy; after a success it stays busy when `leaving` (the form navigates away or closes).
   */
  run: (request: () => Promise<unknown>, options?: { leaving?: boolean }) => Promise<void>;
}

/** The busy and error state around one request at a time (a form's submit, a confirmed action). */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run: Action["run"] = async (request, { leaving = false } = {}) => {
    setBusy(true);
    setError(null);
    try {
      await request();
      if (!leaving) setBusy(false);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return { busy, error, apiError: error instanceof ApiError ? error : null, run };
}
