import { HocuspocusProvider, type HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { type AwarenessUser, studentDocumentName } from "@observer/protocol";
import { IndexeddbPersistence } from "y-indexeddb";
import { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { collabSocket } from "./collab-socket.ts";
import { ProviderWatcher } from "./provider-state.ts";
import { reopenWhenClosed } from "./reopen.ts";
import { stopWhenRevoked } from "./revoked-socket.ts";
import { storageNoticeMessage } from "./storage-notice.ts";

/**
 * The IndexedDB database that keeps a user's copy of a document in this browser. Per user:
 * another login on the same browser never loads (or sends) it.
 */
export function localCopyName(userId: string, documentName: string): string {
  return `observer:${userId}:${documentName}`;
}

/**
 * A document its user edits, on its own socket: a student's own document in a session (the
 * default), or the teacher's broadcast (`documentName`). It holds the Y.Doc the editor binds
 * to, the awareness that carries the user's name and cursor, and the connection state.
 * The provider reconnects by itself with backoff (and a fresh token each time); edits made
 * while offline stay in the Y.Doc and merge on reconnect. Every change is also kept in
 * IndexedDB (y-indexeddb), so a page closed or reloaded offline loses nothing: the next page
 * loads the copy and the provider sends what the server lacks (Yjs merges, nothing doubles).
 * The copy is deleted once the session has ended and the server holds everything.
 * `dispose()` closes everything.
 */
export class StudentDocument {
  readonly doc = new Y.Doc();
  readonly awareness: Awareness;
  readonly socket: HocuspocusProviderWebsocket;
  readonly provider: HocuspocusProvider;
  readonly watcher: ProviderWatcher;
  private readonly stopReopening: () => void;
  private readonly stopWatchingRevocation: () => void;
  /** The server closed the socket with 4401: the next token is a newly refreshed one. */
  private forceRefresh = false;
  private local: IndexeddbPersistence | null;
  private localPending = false;

  constructor(options: {
    baseUrl: string;
    sessionId: string;
    user: AwarenessUser;
    /** The document to open (default: the user's own in the session, see studentDocumentName). */
    documentName?: string;
    /** The access token; `force` asks for a newly refreshed one (the server refused the last). */
    token: (force: boolean) => Promise<string>;
  }) {
    const name = options.documentName ?? studentDocumentName(options.sessionId, options.user.id);
    this.local =
      typeof indexedDB === "undefined"
        ? null
        : new IndexeddbPersistence(localCopyName(options.user.id, name), this.doc);
    void this.local?.whenSynced.then(() => this.forgetLocalCopyWhenDone());
    this.awareness = new Awareness(this.doc);
    this.awareness.setLocalState({ user: options.user });
    // Connected below, once the provider is attached.
    this.socket = collabSocket(options.baseUrl);
    this.provider = new HocuspocusProvider({
      websocketProvider: this.socket,
      name,
      document: this.doc,
      awareness: this.awareness,
      token: () => {
        const force = this.forceRefresh;
        this.forceRefresh = false;
        return options.token(force);
      },
    });
    this.watcher = new ProviderWatcher(this.provider);
    this.stopReopening = reopenWhenClosed(this.provider);
    this.stopWatchingRevocation = stopWhenRevoked(this.socket, this.provider, {
      refresh: () => {
        this.forceRefresh = true;
      },
      onRevoked: (code) => this.watcher.revoked(code),
    });
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
    if (number !== 0) return;
    this.localPending = false;
    this.forgetLocalCopyWhenDone();
  };

  /**
   * Deletes the IndexedDB copy once it has done its job: the copy is loaded (so what it held
   * was offered to the server), the document is read-only (the session ended) and the server
   * acknowledged everything. A copy with changes the server refused is kept (and downloadable).
   */
  private forgetLocalCopyWhenDone(): void {
    const local = this.local;
    if (!local?.synced || this.provider.authorizedScope !== "readonly" || this.provider.hasUnsyncedChanges)
      return;
    this.local = null;
    void local.clearData();
  }

  /**
   * True while an edit made here has not been acknowledged by the server (not merely while
   * the handshake of a (re)connection is under way): closing the page now would lose it.
   */
  get hasUnsavedEdits(): boolean {
    return this.localPending;
  }

  /**
   * Calls `listener` with the message of each storage notice the server sends on this
   * document (the student's storage for the session is full); other stateless messages are
   * ignored. Returns the function that stops listening.
   */
  onStorageNotice(listener: (message: string) => void): () => void {
    const handle = ({ payload }: { payload: string }) => {
      const message = storageNoticeMessage(payload);
      if (message !== null) listener(message);
    };
    this.provider.on("stateless", handle);
    return () => this.provider.off("stateless", handle);
  }

  /**
   * Offers the server again the changes it refused (one was on its way when the teacher locked
   * editing): called once editing is open again, a fresh sync sends them and later edits apply
   * on top of them.
   */
  resendRefused(): void {
    if (this.watcher.getSnapshot().changesRefused) this.provider.forceSync();
  }

  /** The browser is back online: try at once instead of waiting for the next backoff step. */
  private readonly reconnectNow = (): void => {
    if (this.socket.status === "disconnected") void this.socket.connect();
  };

  dispose(): void {
    if (typeof window !== "undefined") window.removeEventListener("online", this.reconnectNow);
    this.stopReopening();
    this.stopWatchingRevocation();
    this.doc.off("update", this.onUpdate);
    this.watcher.dispose();
    void this.local?.destroy();
    this.provider.destroy();
    this.socket.destroy();
    this.doc.destroy();
  }
}
