import { LANGUAGE_INFO, type Session } from "@observer/protocol";
import type { ReactNode } from "react";
import { Alert } from "../../ui/Alert.tsx";
import { StatusBadge } from "../../ui/Badge.tsx";
import { formatDateTime } from "../../ui/format.ts";

/** The session's name, status and facts, plus the "ended" banner when it is over. */
export function SessionHeading({
  session,
  details,
  actions,
}: {
  session: Session;
  details: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="mb-6 space-y-4 sm:mb-8">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-bold tracking-tight break-words text-slate-900 sm:text-3xl dark:text-white">
              {session.name}
            </h1>
            <StatusBadge status={session.status} />
          </div>
          <p className="mt-1 text-slate-600 dark:text-slate-400">
            {details}
            {" · "}
            <span>{LANGUAGE_INFO[session.language].label}</span>
          </p>
        </div>
        {actions}
      </div>
      {session.status === "ended" && (
        <Alert tone="warning" title="This session has ended">
          {session.endedAt ? `It ended on ${formatDateTime(session.endedAt)}. ` : ""}
          Nobody can join it any more.
        </Alert>
      )}
    </div>
  );
}
