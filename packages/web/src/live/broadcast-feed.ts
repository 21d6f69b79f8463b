import { HocuspocusProvider, type HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { broadcastDocumentName } from "@observer/protocol";
import * as Y from "yjs";
import { codeOf } from "../editor/code-document.ts";
import { ProviderWatcher } from "./provider-state.ts";
import { reopenWhenClosed } from "./reopen.ts";

/**
 * The teacher's broadcast as a student reads it: the session's broadcast document, kept in
 * sync over the socket the student's own document already uses (one more document on it, not
 * one more socket). The server opens it read-only for students, so nothing is ever written
 * here: no awareness state is published (the provider's awareness stays empty), and no local
 * copy is kept. `dispose()` closes the document; the socket belongs to the caller.
 */
export class BroadcastFeed {
  readonly doc = new Y.Doc();
  readonly code: Y.Text;
  readonly provider: HocuspocusProvider;
  readonly watcher: ProviderWatcher;
  private readonly stopReopening: () => void;

  constructor(options: {
    sessionId: string;
    socket: HocuspocusProviderWebsocket;
    token: () => Promise<string>;
  }) {
    this.code = codeOf(this.doc);
    this.provider = new HocuspocusProvider({
      websocketProvider: options.socket,
      name: broadcastDocumentName(options.sessionId),
      document: this.doc,
      // A reader shows no cursor and no presence in the teacher's editor.
      awareness: null,
      token: options.token,
    });
    this.watcher = new ProviderWatcher(this.provider);
    this.stopReopening = reopenWhenClosed(this.provider);
    this.provider.attach();
  }

  dispose(): void {
    this.stopReopening();
    this.watcher.dispose();
    this.provider.destroy();
    this.doc.destroy();
  }
}
