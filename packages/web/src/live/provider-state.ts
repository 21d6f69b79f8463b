import type { HocuspocusProvider } from "@hocuspocus/provider";
import { CLOSE_CODES } from "@observer/protocol";
import * as decoding from "lib0/decoding";

/** Hocuspocus' message type of the server's answer to an update: applied (1) or refused (0). */
const SYNC_STATUS_MESSAGE = 8;

/** What a document connection looks like from the outside, as plain data. */
export interface ProviderState {
  socket: "connecting" | "connected" | "disconnected";
  /** Synced with the server now (false again while reconnecting). */
  synced: boolean;
  /** Was synced at least once: the document holds the server's content. */
  everSynced: boolean;
  /** Changes sent but not yet acknowledged by the server. */
  unsyncedChanges: number;
  /** "readonly" once the server said so (an ended session). */
  scope: "read-write" | "readonly" | null;
  /** Why the server refused the document ("Unauthorized", "Forbidden"), if it did. */
  refused: string | null;
  /** The server closed the socket for good: 4403 (no longer allowed) or 4401 (the login ended). */
  revoked: number | null;
  /**
   * The server refused changes made here (the document turned read-only, e.g. the session
   * ended): they exist only in this browser. Cleared once everything is acknowledged.
   */
  changesRefused: boolean;
  /** The browser's own idea of the network (`navigator.onLine`): a dead socket can take 30 s to notice. */
  browserOnline: boolean;
}

/** The one-word state a person sees beside an editor. */
export type SaveState = "connecting" | "saved" | "saving" | "offline" | "refused" | "unsaved";

/**
 * Connecting until the first sync; then Saved / Saving… while connected; Offline while
 * the connection is down (edits stay in the document and merge when it is back); Not saved
 * when the server refused changes made here (never "Saved" for something it did not take).
 */
export function saveStateOf(state: ProviderState): SaveState {
  if (state.refused) return "refused";
  if (state.changesRefused && state.unsyncedChanges > 0) return "unsaved";
  if (!state.browserOnline) return "offline";
  if (!state.everSynced) return state.socket === "disconnected" ? "offline" : "connecting";
  if (state.socket !== "connected" || !state.synced) return "offline";
  return state.unsyncedChanges > 0 ? "saving" : "saved";
}

/**
 * Follows a provider's events into a ProviderState snapshot (a new object on each change,
 * for React's useSyncExternalStore). `dispose()` stops listening.
 */
export class ProviderWatcher {
  private state: ProviderState;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly provider: HocuspocusProvider) {
    const socketStatus = provider.configuration.websocketProvider.status as ProviderState["socket"];
    this.state = {
      socket: socketStatus,
      synced: provider.synced,
      everSynced: provider.synced,
      unsyncedChanges: provider.unsyncedChanges,
      scope: provider.authorizedScope ?? null,
      refused: null,
      revoked: null,
      changesRefused: false,
      browserOnline: typeof navigator === "undefined" || navigator.onLine !== false,
    };
    provider.on("status", this.onStatus);
    provider.on("synced", this.onSynced);
    provider.on("unsyncedChanges", this.onUnsynced);
    provider.on("authenticated", this.onAuthenticated);
    provider.on("authenticationFailed", this.onRefused);
    provider.on("close", this.onClose);
    provider.on("message", this.onMessage);
    if (typeof window !== "undefined") {
      window.addEventListener("online", this.onNetwork);
      window.addEventListener("offline", this.onNetwork);
    }
  }

  private set(patch: Partial<ProviderState>): void {
    const next = { ...this.state, ...patch };
    if (Object.entries(patch).every(([key, value]) => this.state[key as keyof ProviderState] === value))
      return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  private readonly onStatus = ({ status }: { status: string }) =>
    this.set({ socket: status as ProviderState["socket"] });
  private readonly onSynced = ({ state }: { state: boolean }) =>
    this.set({ synced: state, everSynced: this.state.everSynced || state });
  private readonly onUnsynced = ({ number }: { number: number }) =>
    this.set({ unsyncedChanges: number, changesRefused: number !== 0 && this.state.changesRefused });
  /** Notes the server's refusal of an update (a read-only document): the provider itself ignores it. */
  private readonly onMessage = ({ message }: { message: { data: unknown } }) => {
    if (!(message.data instanceof ArrayBuffer) && !ArrayBuffer.isView(message.data)) return;
    try {
      const bytes =
        message.data instanceof ArrayBuffer
          ? new Uint8Array(message.data)
          : new Uint8Array(message.data.buffer, message.data.byteOffset, message.data.byteLength);
      const decoder = decoding.createDecoder(bytes);
      decoding.readVarString(decoder);
      if (decoding.readVarUint(decoder) !== SYNC_STATUS_MESSAGE) return;
      if (decoding.readVarInt(decoder) === 0) this.set({ changesRefused: true });
    } catch {
      // Not ours to judge: the provider reports malformed messages itself.
    }
  };
  private readonly onAuthenticated = ({ scope }: { scope: ProviderState["scope"] }) =>
    this.set({ scope, refused: null });
  private readonly onRefused = ({ reason }: { reason: string }) =>
    this.set({ refused: reason || "Forbidden" });
  private readonly onClose = () => this.set({ synced: false });
  /** The socket was closed for good (see `stopWhenRevoked`): nothing will reconnect it. */
  revoked(code: number): void {
    this.set({
      revoked: code,
      refused: this.state.refused ?? (code === CLOSE_CODES.forbidden ? "Forbidden" : "Unauthorized"),
    });
  }
  private readonly onNetwork = () => this.set({ browserOnline: navigator.onLine !== false });

  readonly getSnapshot = (): ProviderState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispose(): void {
    this.provider.off("status", this.onStatus);
    this.provider.off("synced", this.onSynced);
    this.provider.off("unsyncedChanges", this.onUnsynced);
    this.provider.off("authenticated", this.onAuthenticated);
    this.provider.off("authenticationFailed", this.onRefused);
    this.provider.off("close", this.onClose);
    this.provider.off("message", this.onMessage);
    if (typeof window !== "undefined") {
      window.removeEventListener("online", this.onNetwork);
      window.removeEventListener("offline", this.onNetwork);
    }
    this.listeners.clear();
  }
}
