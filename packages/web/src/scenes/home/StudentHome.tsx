import type { User } from "@observer/protocol";
import { api } from "../../api/client.ts";
import { useQuery } from "../../api/useQuery.ts";
import { Card } from "../../ui/Card.tsx";
import { PageTitle } from "../../ui/Layout.tsx";
import { useTitle } from "../../ui/useTitle.ts";
import { JoinForm } from "./JoinForm.tsx";
import { SessionsCard } from "./SessionsCard.tsx";

/** Home of students: join with a code, and the sessions already joined. */
export function StudentHome({ user }: { user: User }) {
  useTitle("Home");
  const sessions = useQuery("sessions", () => api.call("listSessions"));

  return (
    <>
      <PageTitle title={`Hello, ${user.name}`} subtitle="Join your class with the code on the board." />
      <div className="grid grid-cols-1 items-start gap-6 sm:gap-8 lg:grid-cols-2">
        <Card title="Join a session">
          <JoinForm />
        </Card>
        <SessionsCard query={sessions} viewer="student" emptyText="You have not joined a session yet." />
      </div>
    </>
  );
}
