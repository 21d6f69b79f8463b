import type { IncomingMessage } from "node:http";
import { Redis as RedisExtension } from "@hocuspocus/extension-redis";

type ExtensionRedis = ReturnType<
  NonNullable<ConstructorParameters<typeof RedisExtension>[0]["createClient"]>
>;

import { type Extension, Hocuspocus, type onAuthenticatePayload } from "@hocuspocus/server";
import { Redis } from "ioredis";
import type { WebSocket } from "ws";
import type { Ctx } from "../context.ts";
import type { CloseReason } from "./context.ts";
import { Activity } from "./extensions/activity.ts";
import { Authentication } from "./extensions/authentication.ts";
import { Limits } from "./extensions/limits.ts";
import { Persistence } from "./extensions/persistence.ts";

/** Per WebSocket: whether any document was opened on it, to close a socket refused outright. */
interface SocketState {
  ws: WebSocket;
  openedAny: boolean;
}

/** The collaboration server: Hocuspocus on our own HTTP server's WebSockets at /collab. */
export class CollabServer {
  readonly hocuspocus: Hocuspocus;
  private readonly persistence: Persistence;
  private readonly sockets = new WeakMap<object, SocketState>();

  constructor(private readonly ctx: Ctx) {
    this.persistence = new Persistence(ctx);
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
        new Authentication(ctx, (payload, reason) => this.refused(payload, reason)),
        new Limits(),
        ...this.scaleOut(),
        this.persistence,
        new Activity(ctx),
        {
          connected: async ({ request }) => {
            const state = this.sockets.get(request as unknown as object);
            if (state) state.openedAny = true;
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
      createClient: () => new Redis(url, { maxRetriesPerRequest: null }) as unknown as ExtensionRedis,
      prefix: `${this.ctx.config.redisPrefix}collab`,
    });
    return [extension as unknown as Extension];
  }

  /** Hands an upgraded WebSocket to Hocuspocus, wiring its messages and close ourselves. */
  handle(ws: WebSocket, request: IncomingMessage): void {
    this.sockets.set(request, { ws, openedAny: false });
    const connection = this.hocuspocus.handleConnection(ws, request as unknown as Request);
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        ws.close(4400, "Binary Hocuspocus messages only");
        return;
      }
      connection.handleMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
    ws.on("close", (code: number, reason: Buffer) => {
      connection.handleClose({ code, reason: reason.toString() });
    });
    ws.on("error", (err) => this.ctx.log.debug({ err }, "collab socket error"));
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

  /** Closes the connections to a session's documents so clients reconnect (e.g. read-only after it ended). */
  reconnectSession(sessionId: string): void {
    for (const name of this.hocuspocus.documents.keys()) {
      if (name.startsWith(`sessions/${sessionId}/`)) this.hocuspocus.closeConnections(name);
    }
  }

  /** Closes all connections, then saves every open document once more (graceful shutdown: nothing lost). */
  async close(): Promise<void> {
    this.hocuspocus.closeConnections();
    await this.persistence.saveAllAndClose(this.hocuspocus.documents.entries());
  }
}
