import type { Session } from "@observer/protocol";
import type { ReactNode } from "react";
import { errorMessage } from "../../api/errors.ts";
import type { QueryState } from "../../api/useQuery.ts";
import { Alert } from "../../ui/Alert.tsx";
import { Card } from "../../ui/Card.tsx";
import { Loading } from "../../ui/Spinner.tsx";
import { SessionList } from "./SessionList.tsx";

/** "Your sessions": loading, error, empty or the list. */
export function SessionsCard({
  query,
  viewer,
  emptyText,
}: {
  query: QueryState<{ sessions: Session[] }>;
  viewer: "teacher" | "student";
  emptyText: string;
}) {
  let body: ReactNode;
  if (query.error !== null && query.data === undefined) {
    body = <Alert tone="error">{errorMessage(query.error)}</Alert>;
  } else if (query.data === undefined) {
    body = <Loading label="Loading your sessions…" />;
  } else if (query.data.sessions.length === 0) {
    body = <p className="py-4 text-sm text-slate-600 dark:text-slate-400">{emptyText}</p>;
  } else {
    body = <SessionList sessions={query.data.sessions} viewer={viewer} label="Your sessions" />;
  }
  return <Card title="Your sessions">{body}</Card>;
}
