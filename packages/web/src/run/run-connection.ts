import {
  CLOSE_CODES,
  type LiveRunStatus,
  type RunTerminalClientMessage,
  runTerminalPath,
  runTerminalServerMessageSchema,
} from "@observer/protocol";
import { reconnectDelay } from "../live/backoff.ts";
import type { WebSocketLike } from "../live/session-channel.ts";
import { parseSocketMessage } from "../live/socket-message.ts";
import { outcomeOf, type RunOutcome } from "./run-status.ts";

/** Why the server will never show this run to this user: not theirs, no such run, or no login. */
export type RunRefusal = "forbidden" | "notFound" | "unauthorized";

export interface RunConnectionOptions {
  /** Base URL for WebSockets, e.g. `ws://host`. */
  baseUrl: string;
  runId: string;
  /** A valid access token; `force` after the server refused the last one. Null: the login is gone. */
  token: (force: boolean) => Promise<string | null>;
  /** Output to show, each character once and in order (replays after a reconnect are skipped). */
  onOutput: (data: string) => void;
  onStatus: (status: LiveRunStatus, position: number | null) => void;
  /** The run ended; the connection is over. */
  onExit: (outcome: RunOutcome) => void;
  /** The server refused the run for good; the connection is over. */
  onRefused?: (reason: RunRefusal) => void;
  /** The socket is open (true) or being (re)connected (false). */
  onConnected?: (connected: boolean) => void;
  WebSocketImpl?: WebSocketLike;
}

/**
 * The live terminal of one run (`/api/runs/:runId/terminal`): its output from the start,
 * its status, and at the end its exit; stdin, resize and kill going the other way.
 *
 * Invariants:
 * - At most one socket at a time; the first message on each is `{type:"auth", token}`.
 * - The server replays the output from the start on every connection: characters already
 *   handed to `onOutput` are skipped, so a dropped socket neither loses nor repeats output.
 * - A close before `exit` reconnects with backoff (with a refreshed token after 4401);
 *   4403 / 4404, and a 4401 right after that refresh, end it (`onRefused`). After `exit`, a refusal or `dispose()`, nothing more is
 *   called back and no socket stays open.
 * - Messages sent while the socket is not open wait for it (the latest size only).
 */
export class RunConnection {
  private socket: WebSocket | null = null;
  private open = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private forceRefresh = false;
  /** The current socket was opened with a token refreshed after a 4401 and has heard nothing yet. */
  private usedRefreshed = false;
  private over = false;
  /** Characters of output handed on so far. */
  private received = 0;
  /** Characters of output the current socket has sent (its replay included). */
  private streamed = 0;
  private pending: RunTerminalClientMessage[] = [];
  private size: { cols: number; rows: number } | null = null;
  private readonly WebSocketImpl: WebSocketLike;

  constructor(private readonly options: RunConnectionOptions) {
    this.WebSocketImpl = options.WebSocketImpl ?? WebSocket;
    if (typeof window !== "undefined") window.addEventListener("online", this.reconnectNow);
    void this.connect();
  }

  get runId(): string {
    return this.options.runId;
  }

  /** True once the run ended, was refused, or the connection was disposed. */
  get closed(): boolean {
    return this.over;
  }

  /** Sends what the user typed to the program. */
  stdin(data: string): void {
    if (data !== "") this.send({ type: "stdin", data });
  }

  /** The terminal's size changed (also sent again after each reconnect). */
  resize(cols: number, rows: number): void {
    if (this.size?.cols === cols && this.size.rows === rows) return;
    this.size = { cols, rows };
    if (this.open) this.transmit({ type: "resize", cols, rows });
  }

  /** Stops the run. */
  kill(): void {
    this.send({ type: "kill" });
  }

  private send(message: RunTerminalClientMessage): void {
    if (this.over) return;
    if (this.open) this.transmit(message);
    else this.pending.push(message);
  }

  private transmit(message: RunTerminalClientMessage): void {
    this.socket?.send(JSON.stringify(message));
  }

  private async connect(): Promise<void> {
    this.timer = null;
    let token: string | null;
    try {
      token = await this.options.token(this.forceRefresh);
    } catch {
      this.scheduleReconnect();
      return;
    }
    if (this.over) return;
    if (!token) {
      this.finish();
      this.options.onRefused?.("unauthorized");
      return;
    }
    this.usedRefreshed = this.forceRefresh;
    this.forceRefresh = false;
    const socket = new this.WebSocketImpl(`${this.options.baseUrl}${runTerminalPath(this.options.runId)}`);
    this.socket = socket;
    this.streamed = 0;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      socket.send(JSON.stringify({ type: "auth", token }));
      this.open = true;
      if (this.size) this.transmit({ type: "resize", ...this.size });
      const waiting = this.pending;
      this.pending = [];
      for (const message of waiting) this.transmit(message);
      this.options.onConnected?.(true);
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.open = false;
      if (this.over) return;
      this.options.onConnected?.(false);
      if (event.code === CLOSE_CODES.forbidden || event.code === CLOSE_CODES.notFound) {
        this.finish();
        this.options.onRefused?.(event.code === CLOSE_CODES.forbidden ? "forbidden" : "notFound");
        return;
      }
      // Refused again right after a refresh: the login is gone (one refresh only, no loop).
      if (event.code === CLOSE_CODES.unauthorized && this.usedRefreshed) {
        this.finish();
        this.options.onRefused?.("unauthorized");
        return;
      }
      if (event.code === CLOSE_CODES.unauthorized) this.forceRefresh = true;
      this.scheduleReconnect();
    };
  }

  private receive(data: unknown): void {
    if (this.over) return;
    const message = parseSocketMessage(runTerminalServerMessageSchema, data);
    if (!message) return;
    this.usedRefreshed = false;
    switch (message.type) {
      case "output": {
        const start = this.streamed;
        this.streamed += message.data.length;
        if (this.streamed <= this.received) return;
        const fresh = message.data.slice(Math.max(0, this.received - start));
        this.received = this.streamed;
        this.attempt = 0;
        this.options.onOutput(fresh);
        return;
      }
      case "status":
        this.attempt = 0;
        this.options.onStatus(message.status, message.position ?? null);
        return;
      case "exit": {
        this.finish();
        this.options.onExit(outcomeOf(message));
        return;
      }
    }
  }

  private scheduleReconnect(): void {
    if (this.over) return;
    const delay = reconnectDelay(this.attempt++);
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  /** The browser says the network is back: try now instead of at the next backoff step. */
  private readonly reconnectNow = (): void => {
    if (this.over || this.socket || this.timer === null) return;
    clearTimeout(this.timer);
    this.attempt = 0;
    void this.connect();
  };

  /** Ends the connection for good: no reconnect, no more callbacks after the current one. */
  private finish(): void {
    this.over = true;
    this.pending = [];
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (typeof window !== "undefined") window.removeEventListener("online", this.reconnectNow);
    const socket = this.socket;
    this.socket = null;
    this.open = false;
    if (socket) {
      socket.onmessage = null;
      socket.onclose = null;
      if (socket.readyState === socket.CONNECTING) socket.onopen = () => socket.close(1000);
      else if (socket.readyState === socket.OPEN) socket.close(1000);
    }
  }

  dispose(): void {
    this.finish();
  }
}
