import type { HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import type { Session } from "@observer/protocol";
import { useEffect, useState } from "react";
import { BroadcastFeed } from "../../../live/broadcast-feed.ts";
import { collabToken } from "../../../live/tokens.ts";

/**
 * The teacher's broadcast while the session's `broadcast` is "on" (live from the session
 * channel), on the socket of the student's own document; null while it is off, and the
 * document is closed again as soon as it goes off.
 */
export function useBroadcastFeed(
  session: Session,
  socket: HocuspocusProviderWebsocket,
): BroadcastFeed | null {
  const on = session.broadcast === "on";
  const [feed, setFeed] = useState<BroadcastFeed | null>(null);
  useEffect(() => {
    if (!on) return;
    const opened = new BroadcastFeed({ sessionId: session.id, socket, token: () => collabToken() });
    setFeed(opened);
    return () => {
      setFeed(null);
      opened.dispose();
    };
  }, [on, session.id, socket]);
  return on ? feed : null;
}
