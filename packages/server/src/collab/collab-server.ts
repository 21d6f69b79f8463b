import type { IncomingMessage } from "node:http";
import { Redis as RedisExtension } from "@hocuspocus/extension-redis";

type ExtensionRedis = ReturnType<
  NonNullable<ConstructorParameters<typeof RedisExtension>[0]["createClient"]>
>;

import { type Connection, type Extension, Hocuspocus, type onAuthenticatePayload } from "@hocuspocus/server";
import { CLOSE_CODES, type EditingMode } from "@observer/protocol";
import { Redis } from "ioredis";
import type { WebSocket } from "ws";
import { recheckActor } from "../auth/actor.ts";
import { type LiveSocket, revokedCloseReason, tooManySocketsReason } from "../auth/live-sockets.ts";
import type { Ctx } from "../context.ts";
import { reconnectDelay } from "../redis.ts";
import type { CloseReason, CollabContext } from "./context.ts";
import { Activity } from "./extensions/activity.ts";
import { Authentication } from "./extensions/authentication.ts";
import { AwarenessGuard } from "./extensions/awareness-guard.ts";
import { EditLog } from "./extensions/edit-log.ts";
import { EditingLock } from "./extensions/editing-lock.ts";
import { Limits } from "./extensions/limits.ts";
import { Persistence } from "./extensions/persistence.ts";

/**
 * Per WebSocket: whether any document was opened on it, to close a socket refused outright;
 * and, per user whose documents it carries, its entry among the live sockets (one per user,
 * however many documents: a dashboard multiplexes every student's document on one socket).
 */
interface SocketState {
  ws: WebSocket;
  openedAny: boolean;
  users: Map<string, LiveSocket>;
}

/** Hocuspocus' connection-level Ping and Pong messages (MessageType 9 and 10, one byte each). */
const HOCUSPOCUS_PING = Uint8Array.of(9);
const HOCUSPOCUS_PONG = 10;

/** The collaboration server: Hocuspocus on our own HTTP server's WebSockets at /collab. */
export class CollabServer {
  readonly hocuspocus: Hocuspocus;
  private readonly persistence: Persistence;
  private readonly editLog: EditLog;
  private readonly authentication: Authentication;
  private readonly editingLock = new EditingLock();
  private readonly sockets = new WeakMap<object, SocketState>();
  /** Sessions that ended and whose documents turn read-only when the grace period is over. */
  private readonly endings = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly ctx: Ctx) {
    this.persistence = new Persistence(ctx);
    this.editLog = new EditLog(ctx);
    this.authentication = new Authentication(
      ctx,
      (payload, reason) => this.refused(payload, reason),
      (payload, context) => this.admit(payload, context),
    );
    this.hocuspocus = new Hocuspocus({
      name: "observer",
      quiet: true,
      // Saved about a second after typing pauses, and at least every 2 s while it goes on.
      debounce: 800,
      maxDebounce: 2000,
      timeout: 30_000,
      // A teacher's dashboard opens every student's document over one socket.
      maxPendingDocuments: 2000,
      maxUnauthenticatedQueueMessages: 20_000,
      extensions: [
        this.authentication,
        this.editingLock,
        new Limits(),
        new AwarenessGuard(ctx, (request, reason) => this.closeSocket(request, reason)),
        ...this.scaleOut(),
        this.persistence,
        this.editLog,
        new Activity(ctx),
        {
          connected: async ({ request, context }: { request: unknown; context: CollabContext }) => {
            const state = this.sockets.get(request as unknown as object);
            if (state) state.openedAny = true;
            // Rights read before a revocation that came while the document was being set up.
            if (state && context?.user && this.ctx.sockets.revokedSince(context.user.id, context.checkedAt))
              await this.recheckSocket(state, context.user.id);
          },
        },
      ],
    });
  }

  /**
   * With REDIS_URL, documents open on several instances stay in sync through Redis (updates and
   * awareness are relayed; one instance at a time saves a document, under a Redis lock).
   */
  private scaleOut(): Extension[] {
    const url = this.ctx.config.redisUrl;
    if (!url) return [];
    const extension = new RedisExtension({
      // The extension bundles its own (older) ioredis types; our client is API-compatible.
      createClient: () =>
        new Redis(url, {
          maxRetriesPerRequest: null,
          retryStrategy: reconnectDelay,
        }) as unknown as ExtensionRedis,
      prefix: `${this.ctx.config.redisPrefix}collab`,
    });
    return [extension as unknown as Extension];
  }

  /**
   * The heartbeat's liveness probe: Hocuspocus' connection-level Ping, which its provider
   * answers with a Pong message (a ws pong would not do: browsers answer those for a page
   * that is offline or frozen too).
   */
  probe(ws: WebSocket): void {
    if (ws.readyState === ws.OPEN) ws.send(HOCUSPOCUS_PING);
  }

  /** Hands an upgraded WebSocket to Hocuspocus, wiring its messages and close ourselves. */
  handle(ws: WebSocket, request: IncomingMessage): void {
    const state: SocketState = { ws, openedAny: false, users: new Map() };
    this.sockets.set(request, state);
    const connection = this.hocuspocus.handleConnection(ws, request as unknown as Request);
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        ws.close(CLOSE_CODES.malformed, "Binary Hocuspocus messages only");
        return;
      }
      // The answer to our liveness probe: a sign of life (counted by the heartbeat), nothing for Hocuspocus.
      if (data.byteLength === 1 && data[0] === HOCUSPOCUS_PONG) return;
      connection.handleMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
    ws.on("close", (code: number, reason: Buffer) => {
      for (const [userId, live] of state.users) this.ctx.sockets.remove(userId, live);
      state.users.clear();
      connection.handleClose({ code, reason: reason.toString() });
    });
    ws.on("error", (err) => this.ctx.log.debug({ err }, "collab socket error"));
  }

  /**
   * Counts a socket against its user's cap the first time one of their documents is
   * authorized on it; refuses (4429) when the user already holds the maximum.
   */
  private admit(payload: onAuthenticatePayload, context: CollabContext): CloseReason | null {
    const state = this.sockets.get(payload.request as unknown as object);
    const userId = context.user.id;
    if (!state || state.users.has(userId)) return null;
    const live: LiveSocket = { recheck: () => this.recheckSocket(state, userId) };
    if (!this.ctx.sockets.add(userId, live, context.checkedAt))
      return tooManySocketsReason(this.ctx.sockets.maxPerUser);
    state.users.set(userId, live);
    return null;
  }

  /** The document connections open on one WebSocket. */
  private connectionsOf(ws: WebSocket): Connection[] {
    const found: Connection[] = [];
    for (const document of this.hocuspocus.documents.values()) {
      for (const connection of document.getConnections()) {
        if (connection.webSocket === (ws as unknown)) found.push(connection);
      }
    }
    return found;
  }

  /**
   * After a user's rights shrank: re-authorizes each of their documents on the socket with
   * their current rights and closes those no longer allowed (a demoted teacher loses the
   * students' documents); a socket left with no document is closed with the code (4401 for a
   * login that ended, 4403 otherwise).
   */
  private async recheckSocket(state: SocketState, userId: string): Promise<void> {
    const mine = this.connectionsOf(state.ws).filter(
      (c) => (c.context as CollabContext | undefined)?.user?.id === userId,
    );
    let refusal: CloseReason | null = null;
    await Promise.all(
      mine.map(async (connection) => {
        const context = connection.context as CollabContext;
        try {
          const fresh = await recheckActor(this.ctx.db, context.actor);
          await this.authentication.authorize(fresh, connection.document.name, Date.now());
        } catch (err) {
          const reason =
            typeof (err as CloseReason).code === "number" ? (err as CloseReason) : revokedCloseReason(err);
          refusal = reason;
          connection.close({ code: reason.code, reason: reason.reason });
        }
      }),
    );
    const last = refusal as CloseReason | null;
    if (last && this.connectionsOf(state.ws).length === 0 && state.ws.readyState === state.ws.OPEN)
      state.ws.close(last.code, last.reason);
  }

  /**
   * A refused document gets Hocuspocus' permission-denied message. If its socket has no
   * other document open, the socket itself is closed with the close code (4401 / 4403).
   */
  private refused(payload: onAuthenticatePayload, reason: CloseReason): void {
    const state = this.sockets.get(payload.request as unknown as object);
    if (!state) return;
    setTimeout(() => {
      if (!state.openedAny && state.ws.readyState === state.ws.OPEN)
        state.ws.close(reason.code, reason.reason);
    }, 100);
  }

  /**
   * A session ended: its documents keep taking edits for the grace period (the keystrokes in
   * flight when the teacher pressed End: Authentication still grants write access until then),
   * then their connections are closed so that clients reconnect read-only. Nothing typed before
   * the end is lost.
   */
  sessionEnded(sessionId: string): void {
    if (this.endings.has(sessionId)) return;
    // A little past the grace period, so a connection authorized at its very end is closed too.
    const timer = setTimeout(() => {
      this.endings.delete(sessionId);
      this.reconnectSession(sessionId);
    }, this.ctx.config.live.sessionEndGraceMs + 250);
    timer.unref();
    this.endings.set(sessionId, timer);
  }

  /** A session was deleted (on any instance): its documents here close, unsaved (their rows are gone). */
  sessionDeleted(sessionId: string): void {
    for (const name of this.hocuspocus.documents.keys()) {
      if (!name.startsWith(`sessions/${sessionId}/`)) continue;
      this.persistence.discard(name);
      this.editLog.discard(name);
      this.hocuspocus.closeConnections(name);
    }
  }

  /** A session's editing was locked or unlocked (on any instance): binds its open connections here at once. */
  editingChanged(sessionId: string, editing: EditingMode): void {
    this.editingLock.changed(sessionId, editing, this.hocuspocus.documents.values());
  }

  /** Closes a whole WebSocket (all its documents) with a code and reason, e.g. an awareness flooder. */
  private closeSocket(request: IncomingMessage, reason: CloseReason): void {
    const state = this.sockets.get(request as unknown as object);
    if (state && state.ws.readyState === state.ws.OPEN) state.ws.close(reason.code, reason.reason);
  }

  /** Closes the connections to a session's documents so clients reconnect (e.g. read-only after it ended). */
  reconnectSession(sessionId: string): void {
    for (const name of this.hocuspocus.documents.keys()) {
      if (name.startsWith(`sessions/${sessionId}/`)) this.hocuspocus.closeConnections(name);
    }
  }

  /** Whether a document is loaded on this instance. */
  hasDocument(name: string): boolean {
    return this.hocuspocus.documents.has(name);
  }

  /** What the metrics show of the live documents and their saves. */
  stats(): { documentsOpen: number; savesRunning: number; savesWaiting: number; savesFolded: number } {
    const saves = this.persistence.saves;
    return {
      documentsOpen: this.hocuspocus.documents.size,
      savesRunning: saves.running,
      savesWaiting: saves.waiting,
      savesFolded: saves.foldedTotal,
    };
  }

  /** Closes all connections, then saves every open document once more (graceful shutdown: nothing lost). */
  async close(): Promise<void> {
    for (const timer of this.endings.values()) clearTimeout(timer);
    this.endings.clear();
    this.hocuspocus.closeConnections();
    await Promise.all([
      this.persistence.saveAllAndClose(this.hocuspocus.documents.entries()),
      this.editLog.flushAll(),
    ]);
  }
}
