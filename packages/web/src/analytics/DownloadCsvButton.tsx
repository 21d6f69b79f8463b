import { useState } from "react";
import { errorMessage } from "../api/errors.ts";
import { fileSlug } from "../editor/download.ts";
import { downloadFile } from "../export/downloadFile.ts";
import { Button } from "../ui/Button.tsx";

/** "Download CSV" of a session's analytics (a row per student), with its error beside it. */
export function DownloadCsvButton({ sessionId, sessionName }: { sessionId: string; sessionName: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      await downloadFile(
        "sessionAnalyticsCsv",
        { id: sessionId },
        {
          fallbackName: `${fileSlug(sessionName)}-analytics.csv`,
        },
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flex items-center gap-3">
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          Could not download: {error}
        </p>
      )}
      <Button variant="secondary" busy={busy} onClick={() => void download()}>
        <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="size-4">
          <path d="M10.75 2.75a.75.75 0 0 0-1.5 0v8.614L6.295 8.235a.75.75 0 1 0-1.09 1.03l4.25 4.5a.75.75 0 0 0 1.09 0l4.25-4.5a.75.75 0 0 0-1.09-1.03l-2.955 3.129V2.75Z" />
          <path d="M3.5 12.75a.75.75 0 0 0-1.5 0v2.5A2.75 2.75 0 0 0 4.75 18h10.5A2.75 2.75 0 0 0 18 15.25v-2.5a.75.75 0 0 0-1.5 0v2.5c0 .69-.56 1.25-1.25 1.25H4.75c-.69 0-1.25-.56-1.25-1.25v-2.5Z" />
        </svg>
        Download CSV
      </Button>
    </div>
  );
}
