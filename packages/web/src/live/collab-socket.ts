import { HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { COLLAB_PATH } from "@observer/protocol";

/**
 * A socket to the collaboration server at `baseUrl` (`ws(s)://host`), with the backoff of
 * our other sockets (500 ms doubling up to 10 s). Not connected yet: the caller connects it
 * once its first document is attached (else each attach() starts another attempt, and a
 * socket with no document is closed by the server as idle).
 */
export function collabSocket(baseUrl: string): HocuspocusProviderWebsocket {
  return new HocuspocusProviderWebsocket({
    url: `${baseUrl}${COLLAB_PATH}`,
    autoConnect: false,
    delay: 500,
    minDelay: 500,
    maxDelay: 10_000,
    factor: 2,
  });
}
