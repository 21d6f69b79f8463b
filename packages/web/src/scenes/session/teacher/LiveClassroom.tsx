import type { Participant, Session, User } from "@observer/protocol";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Route, Routes } from "react-router";
import { Classroom } from "../../../live/classroom.ts";
import { channelToken, collabToken } from "../../../live/tokens.ts";
import { webSocketUrl } from "../../../live/urls.ts";
import { Loading } from "../../../ui/Spinner.tsx";
import { NotFoundScene } from "../../NotFoundScene.tsx";
import { NO_FILTER } from "./arrange.ts";
import { ClassroomContext, type ClassroomValue, type DashboardView } from "./classroom-context.ts";
import { Dashboard } from "./Dashboard.tsx";

// The full editor (Monaco) loads only when the teacher opens a student.
const FocusView = lazy(() => import("./FocusView.tsx"));
const BroadcastEditor = lazy(() => import("./BroadcastEditor.tsx"));
// Chart.js loads only with the analytics.
const SessionAnalytics = lazy(() => import("./SessionAnalytics.tsx"));

/**
 * The teacher's live class: one Classroom (every student's document over one socket, the
 * session channel) shared by the dashboard (`/sessions/:id`) and the focus view
 * (`/sessions/:id/students/:studentId`), so moving between them reopens nothing; and the
 * teacher's broadcast editor (`/sessions/:id/broadcast`) and the session's analytics
 * (`/sessions/:id/analytics`).
 */
export default function LiveClassroom({
  session: loaded,
  participants,
  user,
  onReload,
}: {
  session: Session;
  participants: Participant[];
  user: User;
  onReload: () => Promise<void>;
}) {
  const [classroom, setClassroom] = useState<Classroom | null>(null);
  const [view, setView] = useState<DashboardView>({ sort: "name", filter: NO_FILTER });
  const reload = useRef(onReload);
  reload.current = onReload;
  const initialParticipants = useRef(participants);
  // The session as last changed (class controls, settings: live on the channel) since it was loaded.
  const latestLoaded = useRef(loaded);
  latestLoaded.current = loaded;
  const [changed, setChanged] = useState<{ over: Session; session: Session } | null>(null);
  const showChanged = useCallback(
    (session: Session) => setChanged({ over: latestLoaded.current, session }),
    [],
  );
  const session = changed?.over === loaded && loaded.status === "active" ? changed.session : loaded;

  useEffect(() => {
    const live = new Classroom({
      sessionId: loaded.id,
      baseUrl: webSocketUrl(""),
      participants: initialParticipants.current,
      collabToken,
      channelToken,
      onSessionEnded: () => void reload.current(),
      onSessionUpdated: showChanged,
    });
    setClassroom(live);
    return () => live.dispose();
  }, [loaded.id, showChanged]);

  const value = useMemo<ClassroomValue | null>(
    () =>
      classroom
        ? { classroom, session, user, view, setView, reload: () => reload.current(), changed: showChanged }
        : null,
    [classroom, session, user, view, showChanged],
  );
  if (!value) return <Loading label="Opening the live class…" />;

  return (
    <ClassroomContext.Provider value={value}>
      <Routes>
        <Route index element={<Dashboard />} />
        <Route
          path="students/:studentId"
          element={
            <Suspense fallback={<Loading label="Opening the editor…" />}>
              <FocusView />
            </Suspense>
          }
        />
        <Route
          path="broadcast"
          element={
            <Suspense fallback={<Loading label="Opening the editor…" />}>
              <BroadcastEditor />
            </Suspense>
          }
        />
        <Route
          path="analytics"
          element={
            <Suspense fallback={<Loading label="Opening the analytics…" />}>
              <SessionAnalytics />
            </Suspense>
          }
        />
        <Route path="*" element={<NotFoundScene />} />
      </Routes>
    </ClassroomContext.Provider>
  );
}
