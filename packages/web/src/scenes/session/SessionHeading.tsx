import type { Session } from "@observer/protocol";
import type { ReactNode } from "react";
import { Alert } from "../../ui/Alert.tsx";
import { StatusBadge } from "../../ui/Badge.tsx";
import { formatDateTime } from "../../ui/format.ts";

/** The session's name, status and facts, plus the "ended" banner when it is over. */
export function SessionHeading({
  session,
  details,
  actions,
  endedNote = "Nobody can join it any more.",
}: {
  session: Session;
  details: ReactNode;
  actions?: ReactNode;
  /** What the ended banner adds after the date. */
  endedNote?: string;
}) {
  return (
    <div className="mb-5 space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-bold tracking-tight break-words text-slate-900 dark:text-white">
              {session.name}
            </h1>
            <StatusBadge status={session.status} />
          </div>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{details}</p>
        </div>
        {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
      </div>
      {session.status === "ended" && (
        <Alert tone="warning" title="This session has ended">
          {session.endedAt ? `It ended on ${formatDateTime(session.endedAt)}. ` : ""}
          {endedNote}
        </Alert>
      )}
    </div>
  );
}
