import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { type AwarenessUser, COLLAB_PATH, studentDocumentName } from "@observer/protocol";
import { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { ProviderWatcher } from "./provider-state.ts";
import { reopenWhenClosed } from "./reopen.ts";

/**
 * A student's own document in a session, on its own socket: the Y.Doc the editor binds to,
 * the awareness that carries the student's name and cursor, and the connection state.
 * The provider reconnects by itself with backoff (and a fresh token each time); edits made
 * while offline stay in the Y.Doc and merge on reconnect. `dispose()` closes everything.
 */
export class StudentDocument {
  readonly doc = new Y.Doc();
  readonly awareness: Awareness;
  readonly socket: HocuspocusProviderWebsocket;
  readonly provider: HocuspocusProvider;
  readonly watcher: ProviderWatcher;
  private readonly stopReopening: () => void;
  private localPending = false;

  constructor(options: {
    baseUrl: string;
    sessionId: string;
    user: AwarenessUser;
    token: () => Promise<string>;
  }) {
    this.awareness = new Awareness(this.doc);
    this.awareness.setLocalState({ user: options.user });
    this.socket = new HocuspocusProviderWebsocket({
      url: `${options.baseUrl}${COLLAB_PATH}`,
      // Connected below, once the provider is attached (else attach() starts a second attempt).
      autoConnect: false,
      delay: 500,
      minDelay: 500,
      maxDelay: 10_000,
      factor: 2,
    });
    this.provider = new HocuspocusProvider({
      websocketProvider: this.socket,
      name: studentDocumentName(options.sessionId, options.user.id),
      document: this.doc,
      awareness: this.awareness,
      token: options.token,
    });
    this.watcher = new ProviderWatcher(this.provider);
    this.stopReopening = reopenWhenClosed(this.provider);
    this.doc.on("update", this.onUpdate);
    this.provider.on("unsyncedChanges", this.onUnsynced);
    this.provider.attach();
    void this.socket.connect();
    if (typeof window !== "undefined") window.addEventListener("online", this.reconnectNow);
  }

  private readonly onUpdate = (_update: Uint8Array, origin: unknown): void => {
    if (origin !== this.provider) this.localPending = true;
  };

  private readonly onUnsynced = ({ number }: { number: number }): void => {
    if (number === 0) this.localPending = false;
  };

  /**
   * True while an edit made here has not been acknowledged by the server (not merely while
   * the handshake of a (re)connection is under way): closing the page now would lose it.
   */
  get hasUnsavedEdits(): boolean {
    return this.localPending;
  }

  /** The browser is back online: try at once instead of waiting for the next backoff step. */
  private readonly reconnectNow = (): void => {
    if (this.socket.status === "disconnected") void this.socket.connect();
  };

  dispose(): void {
    if (typeof window !== "undefined") window.removeEventListener("online", this.reconnectNow);
    this.stopReopening();
    this.doc.off("update", this.onUpdate);
    this.watcher.dispose();
    this.provider.destroy();
    this.socket.destroy();
    this.doc.destroy();
  }
}
