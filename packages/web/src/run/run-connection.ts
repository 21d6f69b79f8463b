import {
  type LiveRunStatus,
  type RunTerminalClientMessage,
  runTerminalPath,
  runTerminalServerMessageSchema,
} from "@observer/protocol";
import { AuthenticatedSocket, type SocketRefusal, type WebSocketLike } from "../live/authenticated-socket.ts";
import { parseSocketMessage } from "../live/socket-message.ts";
import { outcomeOf, type RunOutcome } from "./run-status.ts";

/** Why the server will never show this run to this user: not theirs, no such run, or no login. */
export type RunRefusal = SocketRefusal;

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
  /** The run ended; `failureReason` when it could not be carried to its end ("runner lost"). */
  onExit: (outcome: RunOutcome, failureReason: string | null) => void;
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
 * - One AuthenticatedSocket carries it: auth first, backoff and reconnect-when-online, one
 *   token refresh after 4401; 4403 / 4404, and a 4401 right after that refresh, end it
 *   (`onRefused`). Any valid message from the server counts as its token accepted.
 * - The server replays the output from the start on every connection: characters already
 *   handed to `onOutput` are skipped, so a dropped socket neither loses nor repeats output.
 * - After `exit`, a refusal or `dispose()`, nothing more is called back and no socket stays open.
 * - Messages sent while the socket is not open wait for it (the latest size only).
 */
export class RunConnection {
  private readonly socket: AuthenticatedSocket;
  /** Characters of output handed on so far. */
  private received = 0;
  /** Characters of output the current socket has sent (its replay included). */
  private streamed = 0;
  private pending: RunTerminalClientMessage[] = [];
  private size: { cols: number; rows: number } | null = null;

  constructor(private readonly options: RunConnectionOptions) {
    this.socket = new AuthenticatedSocket({
      url: `${options.baseUrl}${runTerminalPath(options.runId)}`,
      token: options.token,
      alsoRefusedOn: ["notFound"],
      onOpen: () => this.opened(),
      onMessage: (data) => this.receive(data),
      onClose: () => this.options.onConnected?.(false),
      onRefused: (reason) => {
        this.pending = [];
        this.options.onRefused?.(reason);
      },
      WebSocketImpl: options.WebSocketImpl,
    });
  }

  get runId(): string {
    return this.options.runId;
  }

  /** True once the run ended, was refused, or the connection was disposed. */
  get closed(): boolean {
    return this.socket.ended;
  }

  /** Sends what the user typed to the program. */
  stdin(data: string): void {
    if (data !== "") this.send({ type: "stdin", data });
  }

  /** The terminal's size changed (also sent again after each reconnect). */
  resize(cols: number, rows: number): void {
    if (this.size?.cols === cols && this.size.rows === rows) return;
    this.size = { cols, rows };
    this.socket.send({ type: "resize", cols, rows } satisfies RunTerminalClientMessage);
  }

  /** Stops the run. */
  kill(): void {
    this.send({ type: "kill" });
  }

  private send(message: RunTerminalClientMessage): void {
    if (this.socket.ended) return;
    if (this.socket.open) this.socket.send(message);
    else this.pending.push(message);
  }

  /** A new socket is open (authenticating): the server replays from the start; what waited goes out. */
  private opened(): void {
    this.streamed = 0;
    if (this.size) this.socket.send({ type: "resize", ...this.size } satisfies RunTerminalClientMessage);
    const waiting = this.pending;
    this.pending = [];
    for (const message of waiting) this.socket.send(message);
    this.options.onConnected?.(true);
  }

  private receive(data: unknown): void {
    const message = parseSocketMessage(runTerminalServerMessageSchema, data);
    if (!message) return;
    this.socket.accepted();
    switch (message.type) {
      case "output": {
        const start = this.streamed;
        this.streamed += message.data.length;
        if (this.streamed <= this.received) return;
        const fresh = message.data.slice(Math.max(0, this.received - start));
        this.received = this.streamed;
        this.options.onOutput(fresh);
        return;
      }
      case "status":
        this.options.onStatus(message.status, message.position ?? null);
        return;
      case "exit": {
        this.dispose();
        this.options.onExit(outcomeOf(message), message.failureReason ?? null);
        return;
      }
    }
  }

  /** Ends the connection for good: no reconnect, no more callbacks after the current one. */
  dispose(): void {
    this.pending = [];
    this.socket.dispose();
  }
}
