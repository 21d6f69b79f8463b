import type { Session } from "@observer/protocol";
import { codeOf } from "../../../editor/code-document.ts";
import { downloadCode, downloadFileName } from "../../../editor/download.ts";
import type { StudentDocument } from "../../../live/student-document.ts";
import { useDocumentLanguage } from "../../../live/useLive.ts";
import { Alert } from "../../../ui/Alert.tsx";
import { Button, ButtonLink } from "../../../ui/Button.tsx";

/**
 * What a student sees once their session was deleted: it is gone, with a last chance to
 * download the code still open in this browser.
 */
export function SessionGone({ session, live }: { session: Session; live: StudentDocument | null }) {
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <Alert tone="warning">
        {/* The page's one heading: the workspace with its session name is gone. */}
        <h1 className="font-semibold">This session is no longer available</h1>
        <p className="mt-1">
          “{session.name}” was deleted, with its code and runs.
          {live && " Your code is still open in this browser: download it now if you want to keep it."}
        </p>
      </Alert>
      <div className="flex flex-wrap gap-2">
        {live && <DownloadOpenCode session={session} live={live} />}
        <ButtonLink to="/">Go to the home page</ButtonLink>
      </div>
    </div>
  );
}

function DownloadOpenCode({ session, live }: { session: Session; live: StudentDocument }) {
  const language = useDocumentLanguage(live.doc) ?? session.language;
  const download = () => {
    const code = codeOf(live.doc).toString();
    downloadCode(downloadFileName(language, code, session.name), code);
  };
  return (
    <Button variant="secondary" onClick={download}>
      Download your code
    </Button>
  );
}
