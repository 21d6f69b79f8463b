import { type AdminUser, ROLES, type Role } from "@observer/protocol";
import { useState } from "react";
import { api } from "../../api/client.ts";
import { errorMessage } from "../../api/errors.ts";
import { Alert } from "../../ui/Alert.tsx";
import { roleLabel } from "../../ui/Badge.tsx";
import { INPUT_CLASSES } from "../../ui/fields.tsx";
import { formatWhen } from "../../ui/format.ts";

const TH =
  "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400";
const TD = "px-3 py-3 align-middle";

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
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const update = async (user: AdminUser, change: { role?: Role; active?: boolean }) => {
    setPending(user.id);
    setError(null);
    try {
      await api.call("adminUpdateUser", { params: { id: user.id }, body: change });
      await onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setPending(null);
    }
  };

  return (
    <>
      {error !== null && (
        <Alert tone="error" className="mb-4">
          {errorMessage(error)}
        </Alert>
      )}
      <div className="-mx-5 overflow-x-auto sm:-mx-6">
        <table className="min-w-full text-sm">
          <thead className="border-b border-slate-200 dark:border-slate-800">
            <tr>
              <th className={`${TH} pl-5 sm:pl-6`}>Name</th>
              <th className={TH}>Email</th>
              <th className={TH}>Role</th>
              <th className={TH}>Active</th>
              <th className={`${TH} pr-5 sm:pr-6`}>Created</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {users.map((user) => {
              const self = user.id === currentUserId;
              const busy = pending === user.id;
              return (
                <tr key={user.id} className={user.active ? "" : "opacity-60"}>
                  <td className={`${TD} pl-5 font-medium text-slate-900 sm:pl-6 dark:text-white`}>
                    {user.name}
                    {self && (
                      <span className="ml-2 text-xs font-normal text-slate-500 dark:text-slate-400">
                        (you)
                      </span>
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
                  <td className={`${TD} pr-5 whitespace-nowrap text-slate-500 sm:pr-6 dark:text-slate-400`}>
                    {formatWhen(user.createdAt)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
