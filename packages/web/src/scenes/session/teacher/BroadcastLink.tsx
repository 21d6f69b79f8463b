import type { Session } from "@observer/protocol";
import { Link } from "react-router";
import { buttonClasses } from "../../../ui/Button.tsx";

/**
 * The dashboard header's way to the broadcast editor, and while the broadcast is on a
 * "Broadcasting" badge beside it (a status: a screen reader hears it come and go).
 */
export function BroadcastLink({ session }: { session: Pick<Session, "id" | "broadcast"> }) {
  const on = session.broadcast === "on";
  return (
    <div className="flex items-center gap-2">
      <span role="status" className="empty:hidden">
        {on && (
          <span
            data-testid="broadcasting-badge"
            className="inline-flex items-center gap-1.5 rounded-full bg-indigo-100 px-2.5 py-1 text-xs font-semibold text-indigo-900 ring-1 ring-indigo-600/30 ring-inset dark:bg-indigo-900/60 dark:text-indigo-50 dark:ring-indigo-400/40"
          >
            <span
              className="size-1.5 animate-pulse rounded-full bg-indigo-600 dark:bg-indigo-300"
              aria-hidden="true"
            />
            Broadcasting
          </span>
        )}
      </span>
      <Link to={`/sessions/${session.id}/broadcast`} className={buttonClasses("secondary")}>
        Broadcast
      </Link>
    </div>
  );
}
