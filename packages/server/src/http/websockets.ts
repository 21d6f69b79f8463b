import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

import type { FastifyInstance } from "fastify";
import { type WebSocket, WebSocketServer } from "ws";

/** A WebSocket endpoint: a path pattern and what to do with an accepted socket. */
export interface WebSocketRoute {
  match(pathname: string): Record<string, string> | null;
  /** Largest message accepted, in bytes; larger closes the socket (1009). */
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

/** Matches `/api/sessions/<uuid>/channel`-style paths with named UUID parameters. */
export function uuidPath(pattern: string): (pathname: string) => Record<string, string> | null {
  const names: string[] = [];
  const source = pattern.replace(/:(\w+)/g, (_m, name: string) => {
    names.push(name);
    return "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})";
  });
  const regex = new RegExp(`^${source}$`);
  return (pathname) => {
    const match = regex.exec(pathname);
    if (!match) return null;
    return Object.fromEntries(names.map((name, i) => [name, match[i + 1] as string]));
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
      for (const ws of wss.clients) ws.close(1001, "Server shutting down");
      wss.close();
    }
  });
}
