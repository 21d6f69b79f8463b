import { useEffect, useRef, useState } from "react";
import { Alert } from "../ui/Alert.tsx";
import { Button } from "../ui/Button.tsx";
import { ErrorAlert } from "../ui/ErrorAlert.tsx";
import { useFadingNotice } from "../ui/useFadingNotice.ts";
import { type DownloadProgress, downloadFile, progressPercent } from "./downloadFile.ts";

/** What to export: the whole session (its teacher) or one student's work. */
export type ExportTarget =
  | { kind: "session"; sessionId: string }
  | { kind: "student"; sessionId: string; userId: string };

/**
 * A button that downloads an export zip, showing how far it is ("Preparing… 42%" and a bar),
 * with a way to cancel and the error, if any, in an alert below. Leaving the page cancels it.
 */
export function ExportButton({
  target,
  label,
  fallbackName,
}: {
  target: ExportTarget;
  label: string;
  fallbackName: string;
}) {
  const [progress, setProgress] = useState<DownloadProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useFadingNotice(5000);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setSaved(null);
    setProgress({ received: 0, total: null });
    try {
      await downloadFile(
        target.kind === "session" ? "exportSession" : "exportStudent",
        target.kind === "session"
          ? { id: target.sessionId }
          : { id: target.sessionId, userId: target.userId },
        { fallbackName, onProgress: setProgress, signal: controller.signal },
      );
      setSaved("Downloaded: see your browser's downloads.");
    } catch (err) {
      if (!(err instanceof DOMException && err.name === "AbortError")) setError(err);
    } finally {
      if (abort.current === controller) abort.current = null;
      setProgress(null);
    }
  };

  const percent = progress ? progressPercent(progress) : null;
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex items-center gap-2">
        <Button
          variant="secondary"
          busy={progress !== null}
          onClick={() => void start()}
          data-export={target.kind}
        >
          {progress === null ? label : percent === null ? "Preparing…" : `Preparing… ${percent}%`}
        </Button>
        {progress !== null && (
          <Button variant="ghost" onClick={() => abort.current?.abort()}>
            Cancel
          </Button>
        )}
      </div>
      {progress !== null && (
        <progress
          className="h-1.5 w-40 accent-indigo-600"
          aria-label={`${label}: progress`}
          max={100}
          {...(percent === null ? {} : { value: percent })}
        />
      )}
      {saved && progress === null && (
        <Alert tone="success" className="py-1.5">
          {saved}
        </Alert>
      )}
      <ErrorAlert error={error} className="py-2" />
    </div>
  );
}
