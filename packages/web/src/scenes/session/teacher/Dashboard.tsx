import { useMemo, useRef, useState, useSyncExternalStore } from "react";
import { Link } from "react-router";
import { AiLogPanel } from "../../../ai/AiLogPanel.tsx";
import { fileSlug } from "../../../editor/download.ts";
import { ExportButton } from "../../../export/ExportButton.tsx";
import { ArchiveToGithub } from "../../../github/ArchiveToGithub.tsx";
import { HelpQueuePanel } from "../../../hands/HelpQueuePanel.tsx";
import { Alert } from "../../../ui/Alert.tsx";
import { Button, buttonClasses } from "../../../ui/Button.tsx";
import { Card } from "../../../ui/Card.tsx";
import { JoinCodePanel } from "../../../ui/JoinCodePanel.tsx";
import { useNow } from "../../../ui/useNow.ts";
import { SessionHeading } from "../SessionHeading.tsx";
import { arrange, handsByStudent, NO_FILTER, showCounts } from "./arrange.ts";
import { BroadcastLink } from "./BroadcastLink.tsx";
import { ClassControls } from "./ClassControls.tsx";
import { useClassroom } from "./classroom-context.ts";
import { DashboardToolbar } from "./DashboardToolbar.tsx";
import { DeleteSessionButton } from "./DeleteSessionButton.tsx";
import { EditSessionForm } from "./EditSessionForm.tsx";
import { EndSessionButton } from "./EndSessionButton.tsx";
import { JoinStrip } from "./JoinStrip.tsx";
import { StudentTile } from "./StudentTile.tsx";

/**
 * The teacher's dashboard: a tile per student with their live code, sorted and filtered.
 * The list re-renders for joins, presence and (at most once a second) edits; each tile
 * follows its own student.
 */
export function Dashboard() {
  const { classroom, session, user, view, setView, reload, changed } = useClassroom();
  const feeds = useSyncExternalStore(classroom.subscribe, classroom.students);
  // The server closed the channel or the code socket for good (4403): no longer this session's teacher.
  const noAccess = useSyncExternalStore(
    classroom.subscribe,
    () => classroom.channelStatus === "refused" || classroom.revoked,
  );
  const timeMatters = view.filter.idleMinutes !== null;
  const now = useNow(timeMatters ? 5000 : 60_000);
  const handList = useSyncExternalStore(classroom.hands.subscribe, classroom.hands.getSnapshot);
  const hands = useMemo(() => handsByStudent(handList), [handList]);
  const snapshots = useMemo(() => feeds.map((f) => f.snapshot), [feeds]);
  const arranged = useMemo(
    () => arrange(snapshots, view.sort, view.filter, now, hands),
    [snapshots, view, now, hands],
  );
  const counts = useMemo(() => showCounts(snapshots, hands), [snapshots, hands]);
  const online = feeds.filter((f) => f.snapshot.online).length;
  const active = session.status === "active";
  const aiEntries = useSyncExternalStore(classroom.aiLog.subscribe, classroom.aiLog.getSnapshot);
  // The AI panel while the session runs (its mode, limit, digest), and after it with its log.
  const aiPanel = (active || aiEntries.length > 0) && (
    <AiLogPanel
      session={session}
      log={classroom.aiLog}
      onChanged={changed}
      ownSession={user.id === session.teacherId}
    />
  );
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const closeEditor = () => {
    setEditing(false);
    requestAnimationFrame(() => editButton.current?.focus());
  };

  return (
    <>
      <SessionHeading
        session={session}
        details={`${feeds.length} ${feeds.length === 1 ? "student" : "students"}, ${online} online`}
        actions={
          <>
            <Link to={`/sessions/${session.id}/analytics`} className={buttonClasses("secondary")}>
              Analytics
            </Link>
            <ExportButton
              target={{ kind: "session", sessionId: session.id }}
              label="Download all (zip)"
              fallbackName={`${fileSlug(session.name)}.zip`}
            />
            {/* An active session's is in its "Edit session" area, away from End session. */}
            {!active && <ArchiveToGithub session={session} onChanged={changed} />}
            {!active && <DeleteSessionButton session={session} />}
            {active && (
              <>
                <BroadcastLink session={session} />
                <ClassControls session={session} onChanged={changed} />
                <button
                  type="button"
                  ref={editButton}
                  className={buttonClasses("secondary")}
                  aria-expanded={editing}
                  onClick={() => setEditing((open) => !open)}
                >
                  Edit session
                </button>
                <EndSessionButton session={session} onEnded={reload} />
              </>
            )}
          </>
        }
      />
      {noAccess && (
        <Alert tone="error" title="No access" className="mb-5">
          You no longer have access to this session.
        </Alert>
      )}
      {active && editing && (
        <div className="mb-5 space-y-3">
          <EditSessionForm
            session={session}
            onCancel={closeEditor}
            onSaved={() => {
              void reload().then(closeEditor);
            }}
          />
          <section
            aria-label="Delete session"
            className="flex flex-wrap items-center justify-between gap-3 rounded-xl border border-red-200 bg-white p-4 shadow-sm dark:border-red-900/70 dark:bg-slate-900"
          >
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Deleting the session removes all of its students’ work for good.
            </p>
            <DeleteSessionButton session={session} />
          </section>
          <ArchiveToGithub session={session} onChanged={changed} />
        </div>
      )}
      {feeds.length === 0 ? (
        <>
          <Card title={active ? "No students yet — share the code" : "No students joined"}>
            {active ? (
              <JoinCodePanel code={session.joinCode} />
            ) : (
              <p className="text-slate-600 dark:text-slate-400">
                Nobody joined this session before it ended.
              </p>
            )}
          </Card>
          {aiPanel && <div className="mt-3">{aiPanel}</div>}
        </>
      ) : (
        <div className="space-y-3">
          {active && <HelpQueuePanel sessionId={session.id} queue={classroom.hands} />}
          {aiPanel}
          <JoinStrip session={session} />
          <DashboardToolbar
            view={view}
            onChange={setView}
            shown={arranged.length}
            total={feeds.length}
            counts={counts}
          />
          {arranged.length === 0 ? (
            <div className="rounded-xl border-2 border-dashed border-slate-300 p-10 text-center dark:border-slate-700">
              <p className="text-slate-600 dark:text-slate-400">No students match these filters.</p>
              <Button
                variant="secondary"
                className="mt-4"
                onClick={() => setView({ ...view, filter: NO_FILTER })}
              >
                Clear filters
              </Button>
            </div>
          ) : (
            <ul
              aria-label="Students"
              className="grid grid-cols-[repeat(auto-fill,minmax(min(100%,17rem),1fr))] gap-3"
            >
              {arranged.map((student) => {
                const feed = classroom.feed(student.id);
                return feed ? <StudentTile key={student.id} feed={feed} /> : null;
              })}
            </ul>
          )}
        </div>
      )}
    </>
  );
}
