import type { Session, User } from "@observer/protocol";
import { useEffect, useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { api } from "../../api/client.ts";
import { useQuery } from "../../api/useQuery.ts";
import { Alert } from "../../ui/Alert.tsx";
import { Button, ButtonLink } from "../../ui/Button.tsx";
import { Card } from "../../ui/Card.tsx";
import { JoinCodePanel } from "../../ui/JoinCodePanel.tsx";
import { PageTitle } from "../../ui/Layout.tsx";
import { useFadingNotice } from "../../ui/useFadingNotice.ts";
import { useTitle } from "../../ui/useTitle.ts";
import type { DeletedSessionState } from "../session/teacher/DeleteSessionButton.tsx";
import { CreateSessionForm } from "./CreateSessionForm.tsx";
import { SessionsCard } from "./SessionsCard.tsx";

/** Home of teachers and admins: create a session (then show its code big) and list their sessions. */
export function TeacherHome({ user }: { user: User }) {
  useTitle("Your sessions");
  const sessions = useQuery("sessions", () => api.call("listSessions"));
  const [created, setCreated] = useState<Session | null>(null);
  const [notice, setNotice] = useFadingNotice();
  const navigate = useNavigate();
  // Set by "Delete session": said once, then cleared so that a reload does not say it again.
  const deleted = (useLocation().state as Partial<DeletedSessionState> | null)?.deletedSession;
  useEffect(() => {
    if (deleted === undefined) return;
    setNotice(`“${deleted}” was deleted.`);
    navigate("/", { replace: true, state: null });
  }, [deleted, navigate, setNotice]);

  const onCreated = (session: Session) => {
    setCreated(session);
    void sessions.reload();
  };

  return (
    <>
      <PageTitle title={`Hello, ${user.name}`} subtitle="Start a session and give your class the code." />
      {notice && (
        <Alert tone="success" className="mb-6 sm:mb-8">
          {notice}
        </Alert>
      )}
      {created && (
        <Card title={`“${created.name}” is ready`} titleId="created-session" className="mb-6 sm:mb-8">
          <JoinCodePanel code={created.joinCode} />
          <div className="mt-6 flex flex-wrap gap-2 border-t border-slate-200 pt-5 dark:border-slate-800">
            <ButtonLink to={`/sessions/${created.id}`}>Open session</ButtonLink>
            <Button variant="ghost" onClick={() => setCreated(null)}>
              Dismiss
            </Button>
          </div>
        </Card>
      )}
      <div className="grid grid-cols-1 items-start gap-6 sm:gap-8 lg:grid-cols-2">
        <Card title="Create a session">
          <CreateSessionForm onCreated={onCreated} />
        </Card>
        <SessionsCard
          query={sessions}
          viewer="teacher"
          emptyText="No sessions yet. Create one and it appears here."
        />
      </div>
    </>
  );
}
