import { api } from "../../api/client.ts";
import { errorMessage } from "../../api/errors.ts";
import { useQuery } from "../../api/useQuery.ts";
import { useAuth } from "../../auth/auth-context.ts";
import { Alert } from "../../ui/Alert.tsx";
import { Card } from "../../ui/Card.tsx";
import { PageTitle } from "../../ui/Layout.tsx";
import { Loading } from "../../ui/Spinner.tsx";
import { useTitle } from "../../ui/useTitle.ts";
import { AdminSessionsTable } from "./AdminSessionsTable.tsx";
import { UsersTable } from "./UsersTable.tsx";

/** `/admin`: every user (role and active switches) and every session. Admins only. */
export function AdminScene() {
  useTitle("Administration");
  const { user } = useAuth();
  const users = useQuery("admin-users", () => api.call("adminListUsers"));
  const sessions = useQuery("admin-sessions", () => api.call("adminListSessions"));

  return (
    <>
      <PageTitle title="Administration" subtitle="Accounts and sessions on this server." />
      <div className="space-y-6 sm:space-y-8">
        <Card title={users.data ? `Users (${users.data.users.length})` : "Users"} titleId="admin-users">
          {users.data === undefined ? (
            users.error !== null ? (
              <Alert tone="error">{errorMessage(users.error)}</Alert>
            ) : (
              <Loading label="Loading users…" />
            )
          ) : (
            <UsersTable users={users.data.users} currentUserId={user?.id ?? ""} onChanged={users.reload} />
          )}
        </Card>
        <Card
          title={sessions.data ? `Sessions (${sessions.data.sessions.length})` : "Sessions"}
          titleId="admin-sessions"
        >
          {sessions.data === undefined ? (
            sessions.error !== null ? (
              <Alert tone="error">{errorMessage(sessions.error)}</Alert>
            ) : (
              <Loading label="Loading sessions…" />
            )
          ) : (
            <AdminSessionsTable sessions={sessions.data.sessions} />
          )}
        </Card>
      </div>
    </>
  );
}
