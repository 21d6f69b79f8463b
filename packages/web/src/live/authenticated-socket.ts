import { CLOSE_CODES } from "@observer/protocol";
import { reconnectDelay } from "./backoff.ts";

/** The part of the WebSocket constructor the live connections use (the browser's, or `ws` in Node). */
export type WebSocketLike = new (url: string) => WebSocket;

/** Why the server will never accept this socket: the close code's name, or "unauthorized" for a lost login. */
export type SocketRefusal = "forbidden" | "notFound" | "unauthorized";

export interface AuthenticatedSocketOptions {
  /** The socket's full URL, e.g. `ws://host/api/sessions/<id>/channel`. */
  url: string;
  /**
   * A valid access token; `force` asks for a newly refreshed one (after the server closed the
   * last socket with 4401). Null when the login is gone: the socket then ends as "unauthorized".
   */
  token: (force: boolean) => Promise<string | null>;
  /** Close codes besides 4403 (always) that end the socket for good, e.g. 4404 for a run. */
  alsoRefusedOn?: readonly Exclude<SocketRefusal, "forbidden" | "unauthorized">[];
  /** An attempt starts: the token is being fetched, then the socket opened. */
  onConnecting?: () => void;
  /** The socket is open and its auth message sent: `send()` now goes out. */
  onOpen?: () => void;
  /** A server message of the current socket (raw `event.data`; parsing is the caller's). */
  onMessage: (data: unknown) => void;
  /** The current socket closed; a reconnect or the end (`onRefused`) follows. */
  onClose?: () => void;
  /** The next attempt waits for its backoff step (the network or the server is away). */
  onWaiting?: () => void;
  /** Ended for good: the server refused this user or the login is gone. */
  onRefused: (reason: SocketRefusal) => void;
  WebSocketImpl?: WebSocketLike;
}

/**
 * A WebSocket to one of our JSON endpoints that authenticates and reconnects by itself
 * (used by the session channel and the run terminal).
 *
 * Invariants:
 * - It starts connecting when constructed. At most one socket at a time; the first message
 *   on each is `{type:"auth", token}`.
 * - A close reconnects with exponential backoff and jitter (`reconnectDelay`), and at once
 *   when the browser comes back online. After a 4401 the next token is a newly refreshed one;
 *   a 4401 again before `accepted()` ends it, so one refresh at most, never a loop.
 * - 4403, the codes in `alsoRefusedOn`, a 4401 right after a refresh and a lost login end it
 *   for good (`onRefused`, once).
 * - After it ended (`onRefused`, `dispose()`), nothing is called back, no socket stays open
 *   and nothing reconnects; `dispose()` may be called any number of times.
 */
export class AuthenticatedSocket {
  private socket: WebSocket | null = null;
  private isOpen = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private forceRefresh = false;
  /** The current socket was opened with a token refreshed after a 4401 and is not accepted yet. */
  private usedRefreshed = false;
  private isEnded = false;
  private readonly WebSocketImpl: WebSocketLike;

  constructor(private readonly options: AuthenticatedSocketOptions) {
    this.WebSocketImpl = options.WebSocketImpl ?? WebSocket;
    if (typeof window !== "undefined") window.addEventListener("online", this.reconnectNow);
    void this.connect();
  }

  /** True while a socket is open and authenticating or authenticated (`send()` goes out). */
  get open(): boolean {
    return this.isOpen;
  }

  /** True once it was refused or disposed. */
  get ended(): boolean {
    return this.isEnded;
  }

  /** Sends `message` as JSON on the open socket; dropped while none is open. */
  send(message: object): void {
    if (this.isOpen) this.socket?.send(JSON.stringify(message));
  }

  /**
   * The server took this socket's token (it answered): the backoff starts over, and a later
   * 4401 may refresh the token again.
   */
  accepted(): void {
    this.attempt = 0;
    this.usedRefreshed = false;
  }

  private async connect(): Promise<void> {
    this.timer = null;
    this.options.onConnecting?.();
    let token: string | null;
    try {
      token = await this.options.token(this.forceRefresh);
    } catch {
      // The API is unreachable: the same as a dropped socket.
      this.scheduleReconnect();
      return;
    }
    if (this.isEnded) return;
    if (!token) {
      this.refuse("unauthorized");
      return;
    }
    this.usedRefreshed = this.forceRefresh;
    this.forceRefresh = false;
    const socket = new this.WebSocketImpl(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      socket.send(JSON.stringify({ type: "auth", token }));
      this.isOpen = true;
      this.options.onOpen?.();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket === socket && !this.isEnded) this.options.onMessage(event.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.isOpen = false;
      if (this.isEnded) return;
      this.options.onClose?.();
      const refusal = this.refusalOf(event.code);
      if (refusal) this.refuse(refusal);
      else {
        if (event.code === CLOSE_CODES.unauthorized) this.forceRefresh = true;
        this.scheduleReconnect();
      }
    };
  }

  /** The refusal a close code means, or null when it is worth reconnecting. */
  private refusalOf(code: number): SocketRefusal | null {
    if (code === CLOSE_CODES.forbidden) return "forbidden";
    // Refused again right after a refresh: the login is gone (one refresh only, no loop).
    if (code === CLOSE_CODES.unauthorized) return this.usedRefreshed ? "unauthorized" : null;
    return this.options.alsoRefusedOn?.find((name) => CLOSE_CODES[name] === code) ?? null;
  }

  private refuse(reason: SocketRefusal): void {
    this.dispose();
    this.options.onRefused(reason);
  }

  private scheduleReconnect(): void {
    if (this.isEnded) return;
    this.options.onWaiting?.();
    this.timer = setTimeout(() => void this.connect(), reconnectDelay(this.attempt++));
  }

  /** The browser says the network is back: try now instead of at the next backoff step. */
  private readonly reconnectNow = (): void => {
    if (this.isEnded || this.socket || this.timer === null) return;
    clearTimeout(this.timer);
    this.attempt = 0;
    void this.connect();
  };

  /** Ends it for good: no reconnect, no more callbacks, the socket closed (once it opened, if it was opening). */
  dispose(): void {
    this.isEnded = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (typeof window !== "undefined") window.removeEventListener("online", this.reconnectNow);
    const socket = this.socket;
    this.socket = null;
    this.isOpen = false;
    if (!socket) return;
    socket.onmessage = null;
    socket.onclose = null;
    if (socket.readyState === socket.CONNECTING) socket.onopen = () => socket.close(CLOSE_CODES.normal);
    else if (socket.readyState === socket.OPEN) socket.close(CLOSE_CODES.normal);
  }
}
