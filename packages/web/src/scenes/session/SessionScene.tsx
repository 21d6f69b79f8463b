import { lazy, Suspense } from "react";
import { useParams } from "react-router";
import { api } from "../../api/client.ts";
import { ApiError, errorMessage } from "../../api/errors.ts";
import { useQuery } from "../../api/useQuery.ts";
import { useAuth } from "../../auth/auth-context.ts";
import { Alert } from "../../ui/Alert.tsx";
import { ButtonLink } from "../../ui/Button.tsx";
import { Loading } from "../../ui/Spinner.tsx";
import { useTitle } from "../../ui/useTitle.ts";
import { NotFoundScene } from "../NotFoundScene.tsx";

// The live parts (Yjs, the collaboration provider, Monaco) load only here.
const LiveClassroom = lazy(() => import("./teacher/LiveClassroom.tsx"));
const StudentWorkspace = lazy(() => import("./student/StudentWorkspace.tsx"));

/**
 * `/sessions/:id/*`: the session's teacher (and admins) get the live class — the dashboard
 * at `/sessions/:id` and a student's editor at `/sessions/:id/students/:studentId`; a
 * student gets their own workspace at `/sessions/:id`.
 */
export function SessionScene() {
  const { id = "", "*": rest = "" } = useParams();
  const { user } = useAuth();
  const detail = useQuery(`session:${id}`, () => api.call("getSession", { params: { id } }));
  useTitle(detail.data?.session.name ?? "Session");

  if (detail.data === undefined || !user) {
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
      <Suspense fallback={<Loading label="Opening the live class…" />}>
        <LiveClassroom session={session} participants={participants} user={user} onReload={detail.reload} />
      </Suspense>
    );
  }
  if (rest !== "") return <NotFoundScene />;
  return (
    <Suspense fallback={<Loading label="Opening your editor…" />}>
      <StudentWorkspace session={session} user={user} />
    </Suspense>
  );
}
