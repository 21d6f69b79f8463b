import type { ChannelServerMessage } from "@observer/protocol";
import { useEffect, useRef, useState } from "react";
import { type ChannelStatus, SessionChannel } from "./session-channel.ts";
import { channelToken } from "./tokens.ts";
import { webSocketUrl } from "./urls.ts";

/** Keeps the session's channel open while mounted; returns its status. */
export function useSessionChannel(
  sessionId: string,
  onMessage: (message: ChannelServerMessage) => void,
): ChannelStatus {
  const [status, setStatus] = useState<ChannelStatus>("connecting");
  const handler = useRef(onMessage);
  handler.current = onMessage;
  useEffect(() => {
    const channel = new SessionChannel({
      baseUrl: webSocketUrl(""),
      sessionId,
      token: channelToken,
      onMessage: (message) => handler.current(message),
      onStatus: setStatus,
    });
    return () => channel.dispose();
  }, [sessionId]);
  return status;
}
