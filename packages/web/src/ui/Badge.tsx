import type { Role } from "@observer/protocol";

/** "Active" / "Ended" pill for a session's status. */
export function StatusBadge({ status }: { status: "active" | "ended" }) {
  const style =
    status === "active"
      ? "bg-emerald-100 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-900/50 dark:text-emerald-200 dark:ring-emerald-400/30"
      : "bg-slate-100 text-slate-700 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-400/30";
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ring-inset ${style}`}
    >
      {status === "active" && <span className="size-1.5 rounded-full bg-emerald-500" aria-hidden="true" />}
      {status === "active" ? "Active" : "Ended"}
    </span>
  );
}

const ROLE_LABELS: Record<Role, string> = { teacher: "Teacher", student: "Student", admin: "Admin" };

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}

/** A quiet pill naming a role. */
export function RoleBadge({ role }: { role: Role }) {
  return (
    <span className="inline-flex rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-700 ring-1 ring-inset ring-indigo-600/20 dark:bg-indigo-950 dark:text-indigo-200 dark:ring-indigo-400/30">
      {ROLE_LABELS[role]}
    </span>
  );
}
