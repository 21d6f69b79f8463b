import type { Participant, Session } from "@observer/protocol";
import { useEffect, useState } from "react";
import { api } from "../../api/client.ts";
import { errorMessage } from "../../api/errors.ts";
import { Alert } from "../../ui/Alert.tsx";
import { Button } from "../../ui/Button.tsx";
import { Card } from "../../ui/Card.tsx";
import { ConfirmDialog } from "../../ui/ConfirmDialog.tsx";
import { JoinCodePanel } from "../../ui/JoinCodePanel.tsx";
import { ParticipantList } from "./ParticipantList.tsx";
import { SessionHeading } from "./SessionHeading.tsx";

/** How often the participant list refreshes itself while the page is visible. */
const POLL_MS = 15_000;

/** The teacher's session page: join code, participants (with Refresh), and End session. */
export function TeacherSessionView({
  session,
  participants,
  refreshing,
  error,
  onRefresh,
}: {
  session: Session;
  participants: Participant[];
  refreshing: boolean;
  error: unknown;
  onRefresh: () => Promise<void>;
}) {
  const [confirming, setConfirming] = useState(false);
  const [ending, setEnding] = useState(false);
  const [endError, setEndError] = useState<unknown>(null);
  const [manualRefresh, setManualRefresh] = useState(false);
  const active = session.status === "active";

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void onRefresh();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, onRefresh]);

  const refresh = async () => {
    setManualRefresh(true);
    await onRefresh();
    setManualRefresh(false);
  };

  const end = async () => {
    setEnding(true);
    setEndError(null);
    try {
      await api.call("endSession", { params: { id: session.id } });
      setConfirming(false);
      await onRefresh();
    } catch (err) {
      setEndError(err);
    } finally {
      setEnding(false);
    }
  };

  const online = participants.filter((p) => p.online).length;

  return (
    <>
      <SessionHeading
        session={session}
        details={`${participants.length} ${participants.length === 1 ? "student" : "students"}, ${online} online`}
        actions={
          active && (
            <Button variant="dangerOutline" onClick={() => setConfirming(true)}>
              End session
            </Button>
          )
        }
      />
      <div className="grid grid-cols-1 items-start gap-6 sm:gap-8 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card title={active ? "Invite your class" : "Join code"}>
          {active ? (
            <JoinCodePanel code={session.joinCode} />
          ) : (
            <p className="font-mono text-3xl font-bold tracking-[0.2em] text-slate-400 dark:text-slate-500">
              {session.joinCode}
            </p>
          )}
        </Card>
        <Card
          title={`Participants (${participants.length})`}
          titleId="participants-heading"
          actions={
            <Button variant="secondary" onClick={refresh} busy={manualRefresh && refreshing}>
              Refresh
            </Button>
          }
        >
          {error !== null && (
            <Alert tone="error" className="mb-3">
              {errorMessage(error)}
            </Alert>
          )}
          <ParticipantList participants={participants} />
        </Card>
      </div>
      <ConfirmDialog
        open={confirming}
        title="End this session?"
        confirmLabel="End session"
        busy={ending}
        onConfirm={end}
        onCancel={() => setConfirming(false)}
      >
        <p>
          Students can no longer join “{session.name}” and their editors become read-only. This cannot be
          undone.
        </p>
        {endError !== null && (
          <Alert tone="error" className="mt-3">
            {errorMessage(endError)}
          </Alert>
        )}
      </ConfirmDialog>
    </>
  );
}
