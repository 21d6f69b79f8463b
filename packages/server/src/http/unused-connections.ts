import type { Server } from "node:http";
import type { Socket } from "node:net";

/**
 * Lets a closing server end the connections that never sent a byte. Node's `server.close()`
 * ends idle keep-alive connections, but a connection a client opened and has not used yet
 * (HTTP clients open one ahead, e.g. right after another was aborted) counts as busy and
 * would hold the shutdown until the keep-alive timeout (72 s). Nothing is in flight on them.
 */
export function trackUnusedConnections(server: Server): { closeUnused: () => void } {
  const open = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
  return {
    closeUnused() {
      for (const socket of open) if (socket.bytesRead === 0) socket.destroy();
    },
  };
}
