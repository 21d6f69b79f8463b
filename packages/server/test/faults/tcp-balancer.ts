import { connect, createServer, type Socket } from "node:net";

/**
 * A round-robin TCP balancer on loopback in front of server instances, as nginx is in a
 * deployment: each client connection is piped to the next backend, and one whose connect
 * fails (an instance killed) is skipped for the next, as nginx's passive failover does. So a
 * WebSocket client that reconnects to the balancer after its instance died lands on one alive.
 */
export interface TcpBalancer {
  port: number;
  /** http:// URL of the balancer (ws:// for sockets: collabUrl and friends replace the scheme). */
  url: string;
  /** The backend port a client connection went to, by the client's local port; undefined if none. */
  backendOf(clientPort: number): number | undefined;
  /** Connections piped now, per backend port (every backend listed, 0 included). */
  openCounts(): Map<number, number>;
  /** Stops accepting and ends every piped connection. */
  close(): Promise<void>;
}

/** Longest wait for a backend's connect before trying the next (nginx's proxy_connect_timeout). */
const CONNECT_TIMEOUT_MS = 1000;

/** Starts a balancer on a free loopback port in front of the given backend ports. */
export async function startBalancer(backends: readonly number[]): Promise<TcpBalancer> {
  if (backends.length === 0) throw new Error("a balancer needs at least one backend");
  let next = 0;
  const open = new Set<Socket>();
  /** Client's port (as the balancer sees it) -> backend port, while the connection is piped. */
  const routes = new Map<number, number>();
  const counts = new Map<number, number>(backends.map((b) => [b, 0]));

  const server = createServer((client) => {
    open.add(client);
    client.pause();
    client.on("error", () => client.destroy());
    client.once("close", () => open.delete(client));
    const first = next;
    next = (next + 1) % backends.length;
    tryBackend(client, first, 0);
  });

  /** Connects the client to backend `index`, or to the following ones when that fails. */
  const tryBackend = (client: Socket, index: number, tried: number) => {
    if (client.destroyed) return;
    if (tried === backends.length) {
      client.destroy();
      return;
    }
    const port = backends[index] as number;
    const upstream = connect({ port, host: "127.0.0.1" });
    open.add(upstream);
    let connected = false;
    const timer = setTimeout(() => upstream.destroy(new Error("connect timeout")), CONNECT_TIMEOUT_MS);
    upstream.once("connect", () => {
      connected = true;
      clearTimeout(timer);
      const clientPort = client.remotePort;
      if (clientPort !== undefined) routes.set(clientPort, port);
      counts.set(port, (counts.get(port) ?? 0) + 1);
      upstream.once("close", () => {
        counts.set(port, (counts.get(port) ?? 1) - 1);
        if (clientPort !== undefined && routes.get(clientPort) === port) routes.delete(clientPort);
        client.destroy();
      });
      client.once("close", () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.on("error", () => {
      clearTimeout(timer);
      upstream.destroy();
      // Before the connect: this backend is down, the next one gets the client.
      if (!connected) tryBackend(client, (index + 1) % backends.length, tried + 1);
    });
    upstream.once("close", () => open.delete(upstream));
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("balancer: no address");
  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    backendOf: (clientPort) => routes.get(clientPort),
    openCounts: () => new Map(counts),
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const socket of open) socket.destroy();
      await closed;
    },
  };
}
