import type { Participant } from "@observer/protocol";
import { formatWhen } from "../../ui/format.ts";

/** Online first, then by name. */
function sortParticipants(participants: readonly Participant[]): Participant[] {
  return [...participants].sort((a, b) => {
    if (a.online !== b.online) return a.online ? -1 : 1;
    return a.name.localeCompare(b.name);
  });
}

/** The students of a session: online dot, name, email and when they joined. */
export function ParticipantList({ participants }: { participants: readonly Participant[] }) {
  if (participants.length === 0) {
    return (
      <p className="py-4 text-sm text-slate-600 dark:text-slate-400">
        No students yet. They appear here when they join with the code.
      </p>
    );
  }
  return (
    <ul aria-label="Participants" className="divide-y divide-slate-200 dark:divide-slate-800">
      {sortParticipants(participants).map((p) => (
        <li key={p.userId} className="flex items-center gap-3 py-3">
          <span
            className={`size-2.5 shrink-0 rounded-full ${
              p.online ? "bg-emerald-500 ring-4 ring-emerald-500/20" : "bg-slate-300 dark:bg-slate-600"
            }`}
            aria-hidden="true"
          />
          <div className="min-w-0 flex-1">
            <p className="truncate font-medium text-slate-900 dark:text-white">
              {p.name}
              <span className="sr-only">{p.online ? " (online)" : " (offline)"}</span>
            </p>
            <p className="truncate text-sm text-slate-600 dark:text-slate-400" title={p.email}>
              {p.email}
            </p>
          </div>
          <p className="shrink-0 text-right text-xs text-slate-500 dark:text-slate-400">
            <span className="block font-medium text-slate-600 dark:text-slate-300" aria-hidden="true">
              {p.online ? "Online" : "Offline"}
            </span>
            <span>
              Joined <time dateTime={p.joinedAt}>{formatWhen(p.joinedAt)}</time>
            </span>
          </p>
        </li>
      ))}
    </ul>
  );
}
