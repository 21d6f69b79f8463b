import {
  type ChannelServerMessage,
  channelServerMessageSchema,
  sessionChannelPath,
} from "@observer/protocol";
import { AuthenticatedSocket, type WebSocketLike } from "./authenticated-socket.ts";
import { parseSocketMessage } from "./socket-message.ts";

/** Where the channel stands: connecting (or reconnecting), open, offline between attempts, or refused for good. */
export type ChannelStatus = "connecting" | "open" | "offline" | "refused";

export interface SessionChannelOptions {
  /** Base URL for WebSockets, e.g. `ws://host` (the path is added here). */
  baseUrl: string;
  sessionId: string;
  /**
   * A valid access token; `force` asks for a newly refreshed one (after the server said the
   * last one was bad). Null when the login is gone: the channel then stops.
   */
  token: (force: boolean) => Promise<string | null>;
  onMessage: (message: ChannelServerMessage) => void;
  onStatus?: (status: ChannelStatus) => void;
  WebSocketImpl?: WebSocketLike;
}

/**
 * A session's live channel (`/api/sessions/:id/channel`): roster and presence for the
 * teacher, session-wide events for everyone, and "online" for a student while it is open.
 *
 * Invariants:
 * - One AuthenticatedSocket carries it: auth first, backoff and reconnect-when-online,
 *   one token refresh after 4401; 4403 (not a member), a lost login and a 4401 right after
 *   a refresh stop it for good ("refused").
 * - "open" only once the server said `ready` (which also resets the backoff); every `ping`
 *   is answered with a `pong` and not handed on.
 * - After `dispose()` nothing is called back and no socket stays open.
 */
export class SessionChannel {
  status: ChannelStatus = "connecting";
  private readonly socket: AuthenticatedSocket;
  private disposed = false;

  constructor(private readonly options: SessionChannelOptions) {
    this.socket = new AuthenticatedSocket({
      url: `${options.baseUrl}${sessionChannelPath(options.sessionId)}`,
      token: options.token,
      onConnecting: () => this.setStatus("connecting"),
      onMessage: (data) => this.receive(data),
      onWaiting: () => this.setStatus("offline"),
      onRefused: () => this.setStatus("refused"),
      WebSocketImpl: options.WebSocketImpl,
    });
  }

  private setStatus(status: ChannelStatus): void {
    if (this.status === status || this.disposed) return;
    this.status = status;
    this.options.onStatus?.(status);
  }

  private receive(data: unknown): void {
    if (this.disposed) return;
    const message = parseSocketMessage(channelServerMessageSchema, data);
    if (!message) return;
    if (message.type === "ping") {
      // The server's liveness probe: unanswered, it takes this socket (and the student) as gone.
      this.socket.send({ type: "pong" });
      return;
    }
    if (message.type === "ready") {
      this.socket.accepted();
      this.setStatus("open");
    }
    this.options.onMessage(message);
  }

  dispose(): void {
    this.disposed = true;
    this.socket.dispose();
  }
}
