import { type AdminUser, ROLES, type Role } from "@observer/protocol";
import { useState } from "react";
import { api } from "../../api/client.ts";
import { roleLabel } from "../../ui/Badge.tsx";
import { ErrorAlert } from "../../ui/ErrorAlert.tsx";
import { INPUT_CLASSES } from "../../ui/fields.tsx";
import { CreatedCell, Table, TD } from "../../ui/Table.tsx";
import { useAction } from "../../ui/useAction.ts";

const HEADERS = ["Name", "Email", "Role", "Active", "Created"];

/**
 * All accounts with a role select and an "active" switch per row. The admin's own row is
 * disabled: the server refuses changing oneself (own_role_change).
 */
export function UsersTable({
  users,
  currentUserId,
  onChanged,
}: {
  users: AdminUser[];
  currentUserId: string;
  onChanged: () => Promise<void>;
}) {
  // The user whose change is under way.
  const [pending, setPending] = useState<string | null>(null);
  const action = useAction();

  const update = (user: AdminUser, change: { role?: Role; active?: boolean }) => {
    setPending(user.id);
    return action.run(async () => {
      await api.call("adminUpdateUser", { params: { id: user.id }, body: change });
      await onChanged();
    });
  };

  return (
    <>
      <ErrorAlert error={action.error} className="mb-4" />
      <Table headers={HEADERS}>
        {users.map((user) => {
          const self = user.id === currentUserId;
          const busy = action.busy && pending === user.id;
          return (
            <tr key={user.id} className={user.active ? "" : "opacity-60"}>
              <td className={`${TD} pl-5 font-medium text-slate-900 sm:pl-6 dark:text-white`}>
                {user.name}
                {self && (
                  <span className="ml-2 text-xs font-normal text-slate-500 dark:text-slate-400">(you)</span>
                )}
              </td>
              <td className={`${TD} text-slate-600 dark:text-slate-300`}>{user.email}</td>
              <td className={TD}>
                <select
                  aria-label={`Role of ${user.name}`}
                  value={user.role}
                  disabled={self || busy}
                  onChange={(e) => void update(user, { role: e.target.value as Role })}
                  className={`${INPUT_CLASSES} w-32 py-1.5 text-sm disabled:opacity-60`}
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {roleLabel(role)}
                    </option>
                  ))}
                </select>
              </td>
              <td className={TD}>
                <label className="inline-flex cursor-pointer items-center gap-2 has-[:disabled]:cursor-not-allowed">
                  <input
                    type="checkbox"
                    role="switch"
                    aria-checked={user.active}
                    aria-label={`${user.name} is active`}
                    checked={user.active}
                    disabled={self || busy}
                    onChange={(e) => void update(user, { active: e.target.checked })}
                    className="size-4 accent-indigo-600 disabled:opacity-60"
                  />
                  <span className="text-slate-600 dark:text-slate-300">
                    {user.active ? "Active" : "Inactive"}
                  </span>
                </label>
              </td>
              <CreatedCell at={user.createdAt} />
            </tr>
          );
        })}
      </Table>
    </>
  );
}
