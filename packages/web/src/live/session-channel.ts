import {
  type ChannelServerMessage,
  CLOSE_CODES,
  channelServerMessageSchema,
  sessionChannelPath,
} from "@observer/protocol";
import { reconnectDelay } from "./backoff.ts";
import { parseSocketMessage } from "./socket-message.ts";

/** Where the channel stands: connecting (or reconnecting), open, offline between attempts, or refused for good. */
export type ChannelStatus = "connecting" | "open" | "offline" | "refused";

/** The part of the WebSocket constructor the channel uses (the browser's, or `ws` in Node). */
export type WebSocketLike = new (url: string) => WebSocket;

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
 * - At most one socket at a time; the first message on each is `{type:"auth", token}` with
 *   a token fresh enough (refreshed when the server closed the last one with 4401).
 * - Any other close reconnects with exponential backoff and jitter, at once when the
 *   browser comes back online; 4403 (not a member), a lost login and a 4401 right after a
 *   refresh stop it for good.
 * - After `dispose()` nothing is called back and no socket stays open.
 */
export class SessionChannel {
  status: ChannelStatus = "connecting";
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private forceRefresh = false;
  /** The current socket was opened with a token refreshed after a 4401. */
  private usedRefreshed = false;
  private disposed = false;
  private readonly WebSocketImpl: WebSocketLike;

  constructor(private readonly options: SessionChannelOptions) {
    this.WebSocketImpl = options.WebSocketImpl ?? WebSocket;
    if (typeof window !== "undefined") window.addEventListener("online", this.reconnectNow);
    void this.connect();
  }

  private setStatus(status: ChannelStatus): void {
    if (this.status === status || this.disposed) return;
    this.status = status;
    this.options.onStatus?.(status);
  }

  private async connect(): Promise<void> {
    this.timer = null;
    this.setStatus("connecting");
    let token: string | null;
    try {
      token = await this.options.token(this.forceRefresh);
    } catch {
      // The API is unreachable: the same as a dropped socket.
      this.scheduleReconnect();
      return;
    }
    if (this.disposed) return;
    if (!token) {
      this.setStatus("refused");
      return;
    }
    this.usedRefreshed = this.forceRefresh;
    this.forceRefresh = false;
    const socket = new this.WebSocketImpl(
      `${this.options.baseUrl}${sessionChannelPath(this.options.sessionId)}`,
    );
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: "auth", token }));
    socket.onmessage = (event: MessageEvent) => this.receive(event.data);
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.disposed) return;
      // 4403: no longer allowed; 4401 even with a newly refreshed token: one refresh only.
      if (
        event.code === CLOSE_CODES.forbidden ||
        (event.code === CLOSE_CODES.unauthorized && this.usedRefreshed)
      ) {
        this.setStatus("refused");
        return;
      }
      if (event.code === CLOSE_CODES.unauthorized) this.forceRefresh = true;
      this.scheduleReconnect();
    };
  }

  private receive(data: unknown): void {
    if (this.disposed) return;
    const message = parseSocketMessage(channelServerMessageSchema, data);
    if (!message) return;
    if (message.type === "ping") {
      // The server's liveness probe: unanswered, it takes this socket (and the student) as gone.
      if (this.socket?.readyState === this.socket?.OPEN) this.socket?.send(JSON.stringify({ type: "pong" }));
      return;
    }
    if (message.type === "ready") {
      this.attempt = 0;
      this.usedRefreshed = false;
      this.setStatus("open");
    }
    this.options.onMessage(message);
  }

  private scheduleReconnect(): void {
    if (this.disposed) return;
    this.setStatus("offline");
    const delay = reconnectDelay(this.attempt++);
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  /** Tries again right away (the browser says the network is back). */
  private readonly reconnectNow = (): void => {
    if (this.disposed || this.socket || this.timer === null) return;
    clearTimeout(this.timer);
    this.attempt = 0;
    void this.connect();
  };

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (typeof window !== "undefined") window.removeEventListener("online", this.reconnectNow);
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onmessage = null;
      if (socket.readyState === socket.CONNECTING) socket.onopen = () => socket.close(1000);
      else socket.close(1000);
    }
  }
}
