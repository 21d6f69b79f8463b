import { LANGUAGE_INFO, type Session } from "@observer/protocol";
import { Link } from "react-router";
import { StatusBadge } from "../../ui/Badge.tsx";
import { formatWhen } from "../../ui/format.ts";
import { sortSessions } from "../home/SessionList.tsx";

const TH =
  "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400";
const TD = "px-3 py-3 align-middle";

/** Every session on the server, active first. */
export function AdminSessionsTable({ sessions }: { sessions: Session[] }) {
  if (sessions.length === 0) {
    return <p className="py-4 text-sm text-slate-600 dark:text-slate-400">No sessions yet.</p>;
  }
  return (
    <div className="-mx-5 overflow-x-auto sm:-mx-6">
      <table className="min-w-full text-sm">
        <thead className="border-b border-slate-200 dark:border-slate-800">
          <tr>
            <th className={`${TH} pl-5 sm:pl-6`}>Session</th>
            <th className={TH}>Teacher</th>
            <th className={TH}>Language</th>
            <th className={TH}>Code</th>
            <th className={TH}>Students</th>
            <th className={TH}>Status</th>
            <th className={`${TH} pr-5 sm:pr-6`}>Created</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {sortSessions(sessions).map((s) => (
            <tr key={s.id}>
              <td className={`${TD} pl-5 sm:pl-6`}>
                <Link
                  to={`/sessions/${s.id}`}
                  className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                >
                  {s.name}
                </Link>
              </td>
              <td className={`${TD} text-slate-700 dark:text-slate-300`}>{s.teacherName}</td>
              <td className={`${TD} text-slate-700 dark:text-slate-300`}>
                {LANGUAGE_INFO[s.language].label}
              </td>
              <td className={`${TD} font-mono tracking-widest text-slate-700 dark:text-slate-300`}>
                {s.joinCode}
              </td>
              <td className={`${TD} text-slate-700 dark:text-slate-300`}>{s.participantCount}</td>
              <td className={TD}>
                <StatusBadge status={s.status} />
              </td>
              <td className={`${TD} pr-5 whitespace-nowrap text-slate-500 sm:pr-6 dark:text-slate-400`}>
                {formatWhen(s.createdAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
