import { LANGUAGE_INFO, type Session } from "@observer/protocol";
import { Link } from "react-router";
import { StatusBadge } from "../../ui/Badge.tsx";
import { CreatedCell, Table, TD } from "../../ui/Table.tsx";
import { sortSessions } from "../home/SessionList.tsx";

const HEADERS = ["Session", "Teacher", "Language", "Code", "Students", "Status", "Created"];

/** Every session on the server, active first. */
export function AdminSessionsTable({ sessions }: { sessions: Session[] }) {
  if (sessions.length === 0) {
    return <p className="py-4 text-sm text-slate-600 dark:text-slate-400">No sessions yet.</p>;
  }
  return (
    <Table headers={HEADERS}>
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
          <td className={`${TD} text-slate-700 dark:text-slate-300`}>{LANGUAGE_INFO[s.language].label}</td>
          <td className={`${TD} font-mono tracking-widest text-slate-700 dark:text-slate-300`}>
            {s.joinCode}
          </td>
          <td className={`${TD} text-slate-700 dark:text-slate-300`}>{s.participantCount}</td>
          <td className={TD}>
            <StatusBadge status={s.status} />
          </td>
          <CreatedCell at={s.createdAt} />
        </tr>
      ))}
    </Table>
  );
}
