import type { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { CLOSE_CODES } from "@observer/protocol";

/**
 * Ends the reconnect loop of a collaboration socket the server closed for good: 4403 (the user
 * was deactivated, demoted or removed) stops it at once; 4401 (the login ended, or the token
 * was stale at connect) asks `refresh()` to make the next connect use a newly refreshed token,
 * and a second 4401 before `provider` authenticated again stops it too (a lost login also
 * reaches the app through `api.onExpired`; with a shared socket, `provider` null, only the
 * refresh is asked for). `onRevoked` is told why it stopped.
 * Returns a function that stops watching.
 */
export function stopWhenRevoked(
  socket: HocuspocusProviderWebsocket,
  provider: HocuspocusProvider | null,
  options: { refresh: () => void; onRevoked: (code: number) => void },
): () => void {
  let refreshed = false;
  const stop = (code: number) => {
    socket.disconnect();
    options.onRevoked(code);
  };
  const onDisconnect = ({ event }: { event: { code?: number } }) => {
    if (event?.code === CLOSE_CODES.forbidden) stop(CLOSE_CODES.forbidden);
    else if (event?.code === CLOSE_CODES.unauthorized) {
      if (refreshed && provider) stop(CLOSE_CODES.unauthorized);
      else {
        refreshed = true;
        options.refresh();
      }
    }
  };
  const onAuthenticated = () => {
    refreshed = false;
  };
  socket.on("disconnect", onDisconnect);
  provider?.on("authenticated", onAuthenticated);
  return () => {
    socket.off("disconnect", onDisconnect);
    provider?.off("authenticated", onAuthenticated);
  };
}
