import { type AwarenessUser, awarenessActivitySchema, awarenessUserSchema } from "@observer/protocol";
import { useEffect, useState } from "react";
import type { Awareness } from "y-protocols/awareness";

/** Another client in the same document, as its awareness describes it. */
export interface Peer {
  clientId: number;
  user: AwarenessUser;
  activity: "viewing" | "typing" | null;
}

/** The other clients' users and activities (validated), updated as awareness changes. */
export function readPeers(awareness: Awareness): Peer[] {
  const peers: Peer[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId === awareness.clientID) continue;
    const user = awarenessUserSchema.safeParse((state as { user?: unknown }).user);
    if (!user.success) continue;
    const activity = awarenessActivitySchema.safeParse((state as { activity?: unknown }).activity);
    peers.push({ clientId, user: user.data, activity: activity.success ? activity.data : null });
  }
  return peers;
}

export function usePeers(awareness: Awareness | null): Peer[] {
  const [peers, setPeers] = useState<Peer[]>(() => (awareness ? readPeers(awareness) : []));
  useEffect(() => {
    if (!awareness) return;
    // Cursor moves change awareness too; re-render only when who or what they do changes.
    const update = () => {
      const next = readPeers(awareness);
      setPeers((previous) => (JSON.stringify(previous) === JSON.stringify(next) ? previous : next));
    };
    update();
    awareness.on("change", update);
    return () => awareness.off("change", update);
  }, [awareness]);
  return peers;
}
