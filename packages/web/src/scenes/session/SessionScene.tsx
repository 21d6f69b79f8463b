import { useParams } from "react-router";
import { api } from "../../api/client.ts";
import { ApiError, errorMessage } from "../../api/errors.ts";
import { useQuery } from "../../api/useQuery.ts";
import { Alert } from "../../ui/Alert.tsx";
import { ButtonLink } from "../../ui/Button.tsx";
import { Loading } from "../../ui/Spinner.tsx";
import { useTitle } from "../../ui/useTitle.ts";
import { StudentSessionView } from "./StudentSessionView.tsx";
import { TeacherSessionView } from "./TeacherSessionView.tsx";

/**
 * `/sessions/:id`: the session's teacher (and admins) get the join code, participants and
 * controls; a student gets the session and the place where the editor goes.
 */
export function SessionScene() {
  const { id = "" } = useParams();
  const detail = useQuery(`session:${id}`, () => api.call("getSession", { params: { id } }));
  useTitle(detail.data?.session.name ?? "Session");

  if (detail.data === undefined) {
    if (detail.error === null) return <Loading label="Loading the session…" />;
    const missing = detail.error instanceof ApiError && [403, 404].includes(detail.error.status);
    return (
      <div className="mx-auto max-w-lg space-y-6">
        <Alert tone="error" title={missing ? "Session not found" : "Could not load the session"}>
          {missing ? "This session does not exist, or you are not part of it." : errorMessage(detail.error)}
        </Alert>
        <ButtonLink to="/">Go to the home page</ButtonLink>
      </div>
    );
  }

  const { session, participants } = detail.data;
  if (participants !== undefined) {
    return (
      <TeacherSessionView
        session={session}
        participants={participants}
        refreshing={detail.loading}
        error={detail.error}
        onRefresh={detail.reload}
      />
    );
  }
  return <StudentSessionView session={session} />;
}
