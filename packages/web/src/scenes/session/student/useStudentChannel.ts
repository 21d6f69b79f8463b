import type { RunSummary, Session } from "@observer/protocol";
import { useState } from "react";
import { loadHands } from "../../../hands/load-hands.ts";
import { HelpQueue } from "../../../live/help-queue.ts";
import { useSessionChannel } from "../../../live/useSessionChannel.ts";
import { isLive } from "../../../run/run-status.ts";

/**
 * What the session channel tells a student's workspace: the session as the teacher last
 * changed it (and whether it ended), the student's latest run, a run the teacher started for
 * them, and their own hand.
 */
export function useStudentChannel(initial: Session, userId: string) {
  const [endedAt, setEndedAt] = useState<string | null>(null);
  // The session as the teacher last changed it (name, starter code, time per run).
  const [loaded, setLoaded] = useState(initial);
  const session: Session =
    endedAt && loaded.status === "active" ? { ...loaded, status: "ended", endedAt } : loaded;
  // The latest run of this student: theirs, or one the teacher started for them.
  const [latestRun, setLatestRun] = useState<RunSummary | null>(null);
  // A run someone else (the teacher) started for this student while they were here.
  const [startedForMe, setStartedForMe] = useState<RunSummary | null>(null);
  // The student's own hand, kept by the channel's hand_update messages.
  const [hands] = useState(() => new HelpQueue());
  const channelStatus = useSessionChannel(initial.id, (message) => {
    if (message.type === "session_ended") setEndedAt(message.endedAt);
    else if (message.type === "session_updated") setLoaded(message.session);
    else if (message.type === "run_update") {
      setLatestRun(message.run);
      if (message.run.startedBy !== userId && isLive(message.run.status))
        setStartedForMe((seen) => (seen?.id === message.run.id ? seen : message.run));
    } else if (message.type === "hand_update") hands.apply(message.hand);
    else if (message.type === "ready") {
      void loadHands(hands, initial.id);
      const own = message.roster.find((entry) => entry.userId === userId)?.lastRun;
      if (own) setLatestRun(own);
    }
  });
  return { session, latestRun, startedForMe, hands, channelStatus };
}
