import type { HocuspocusProvider } from "@hocuspocus/provider";
import { reconnectDelay } from "./backoff.ts";

/** Sync must hold this long before a document counts as stable again (resets the backoff). */
const STABLE_MS = 10_000;

/**
 * Reopens a document that the server closed while the socket stayed up (Hocuspocus sends a
 * per-document CLOSE, e.g. when a session ends and its documents must come back read-only;
 * the provider itself only reconnects after a socket close). Detach + attach re-sends the
 * token and syncs, with backoff so a server that keeps closing it is not hammered.
 * Returns a function that stops watching.
 */
export function reopenWhenClosed(provider: HocuspocusProvider): () => void {
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let syncedAt = 0;
  const onSynced = () => {
    syncedAt = Date.now();
  };
  const onClose = () => {
    const socket = provider.configuration.websocketProvider;
    if (socket.status !== "connected" || timer !== null) return;
    if (syncedAt && Date.now() - syncedAt > STABLE_MS) attempt = 0;
    timer = setTimeout(
      () => {
        timer = null;
        if (!provider.isAttached) return;
        provider.detach();
        provider.attach();
      },
      reconnectDelay(attempt++, { baseMs: 300 }),
    );
  };
  provider.on("synced", onSynced);
  provider.on("close", onClose);
  return () => {
    if (timer !== null) clearTimeout(timer);
    provider.off("synced", onSynced);
    provider.off("close", onClose);
  };
}
