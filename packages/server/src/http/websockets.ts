import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

import { CLOSE_CODES, CLOSE_REASONS, isUuid } from "@observer/protocol";
import type { FastifyInstance } from "fastify";
import { type WebSocket, WebSocketServer } from "ws";

/** A WebSocket endpoint: a path pattern and what to do with an accepted socket. */
export interface WebSocketRoute {
  match(pathname: string): Record<string, string> | null;
  /** Largest message accepted, in bytes; larger closes the socket (`CLOSE_CODES.messageTooBig`). */
  maxPayload: number;
  /** Sends ws-level pings and drops sockets that stop answering. */
  heartbeat: boolean;
  /**
   * With `heartbeat`: an application-level ping instead, one the client must answer with a
   * message. Then only messages count as signs of life, not ws pongs: a browser's network
   * layer answers those even for a page that is offline (emulated) or frozen.
   */
  probe?: (ws: WebSocket) => void;
  accept(ws: WebSocket, request: IncomingMessage, params: Record<string, string>): void;
}

export interface WebSocketOptions {
  /**
   * Interval of the ws-level pings of the routes with `heartbeat`; a socket that has not
   * answered one ping by the next is terminated (a lost network is noticed within two).
   */
  heartbeatMs?: number;
}

const DEFAULT_HEARTBEAT_MS = 10_000;

/** A path segment that is a UUID as the server writes them (lower case, like document names). */
const isLowerUuid = (segment: string) => isUuid(segment) && segment === segment.toLowerCase();

/** Matches `/api/sessions/<uuid>/channel`-style paths: each `:name` segment is a UUID parameter. */
export function uuidPath(pattern: string): (pathname: string) => Record<string, string> | null {
  const parts = pattern.split("/");
  return (pathname) => {
    const segments = pathname.split("/");
    if (segments.length !== parts.length) return null;
    const params: Record<string, string> = {};
    for (const [i, part] of parts.entries()) {
      const segment = segments[i] ?? "";
      if (!part.startsWith(":")) {
        if (segment !== part) return null;
      } else if (isLowerUuid(segment)) params[part.slice(1)] = segment;
      else return null;
    }
    return params;
  };
}

export const exactPath = (path: string) => (pathname: string) => (pathname === path ? {} : null);

/**
 * Routes HTTP upgrades on the server's own port to WebSocket endpoints (collaboration,
 * session channels, terminals); anything else is answered 404. Closes every socket when the
 * server closes.
 */
export function registerWebSockets(
  app: FastifyInstance,
  routes: WebSocketRoute[],
  options: WebSocketOptions = {},
): void {
  const servers = routes.map((route) => ({
    route,
    wss: new WebSocketServer({ noServer: true, maxPayload: route.maxPayload, perMessageDeflate: false }),
  }));
  const alive = new WeakSet<WebSocket>();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = (request.url ?? "/").split("?")[0] ?? "/";
    for (const { route, wss } of servers) {
      const params = route.match(pathname);
      if (!params) continue;
      wss.handleUpgrade(request, socket, head, (ws) => {
        if (route.heartbeat) {
          alive.add(ws);
          ws.on(route.probe ? "message" : "pong", () => alive.add(ws));
        }
        route.accept(ws, request, params);
      });
      return;
    }
    socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  };
  app.server.on("upgrade", onUpgrade);

  const timer = setInterval(() => {
    for (const { route, wss } of servers) {
      if (!route.heartbeat) continue;
      for (const ws of wss.clients) {
        if (!alive.has(ws)) {
          ws.terminate();
          continue;
        }
        alive.delete(ws);
        if (route.probe) route.probe(ws);
        else ws.ping();
      }
    }
  }, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  timer.unref();

  app.addHook("preClose", async () => {
    clearInterval(timer);
    app.server.off("upgrade", onUpgrade);
    for (const { wss } of servers) {
      for (const ws of wss.clients) ws.close(CLOSE_CODES.goingAway, CLOSE_REASONS[CLOSE_CODES.goingAway]);
      wss.close();
    }
  });
}
