import {
  type ChannelServerMessage,
  channelServerMessageSchema,
  sessionChannelPath,
} from "@observer/protocol";
import { openSocket, type SocketClient } from "./socket-client.ts";

/** A session channel client that records every message it receives (but the server's pings). */
export type ChannelClient = SocketClient<ChannelServerMessage>;

/** Opens a session's channel and authenticates with `token` (unless null). */
export function openChannel(
  httpUrl: string,
  sessionId: string,
  token: string | null,
): Promise<ChannelClient> {
  return openSocket(
    httpUrl,
    sessionChannelPath(sessionId),
    channelServerMessageSchema,
    token,
    (message, answer) => {
      // The server's liveness probe, answered as the web app does.
      if (message.type !== "ping") return true;
      answer({ type: "pong" });
      return false;
    },
  );
}
