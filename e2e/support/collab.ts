import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { DOC_CODE, DOC_META, type Language, studentDocumentName } from "@observer/protocol";
import { WebSocket } from "ws";
import * as Y from "yjs";

/** A student's document opened from Node, as a simulated student's editor would. */
export interface NodeStudent {
  doc: Y.Doc;
  code: Y.Text;
  /** Replaces the whole code and sets the language, as one edit. */
  write(language: Language, code: string): void;
  /** Appends text at the end, as typing would. */
  type(text: string): void;
  /** Waits until the server has acknowledged every change. */
  saved(): Promise<void>;
  /** Publishes a field of this client's awareness state (what y-monaco does with `selection`). */
  setAwarenessField(field: string, value: unknown): void;
  /** Disconnects (a second call does nothing). */
  close(): void;
}

/** Opens `sessions/<sessionId>/students/<studentId>` with the student's token; resolves once synced. */
export async function openStudentDocument(
  url: string,
  sessionId: string,
  studentId: string,
  token: string,
): Promise<NodeStudent> {
  const socket = new HocuspocusProviderWebsocket({
    url: `${url.replace(/^http/, "ws")}/collab`,
    WebSocketPolyfill: WebSocket,
  });
  const doc = new Y.Doc();
  const code = doc.getText(DOC_CODE);
  const provider = new HocuspocusProvider({
    websocketProvider: socket,
    name: studentDocumentName(sessionId, studentId),
    document: doc,
    token,
  });
  const synced = new Promise<void>((resolve, reject) => {
    provider.on("synced", () => resolve());
    provider.on("authenticationFailed", ({ reason }: { reason: string }) => reject(new Error(reason)));
  });
  provider.attach();
  await synced;
  const saved = async () => {
    const deadline = Date.now() + 10_000;
    while (provider.hasUnsyncedChanges) {
      if (Date.now() > deadline) throw new Error("changes not acknowledged by the server");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  let closed = false;
  return {
    doc,
    code,
    write(language, text) {
      doc.transact(() => {
        doc.getMap(DOC_META).set("language", language);
        code.delete(0, code.length);
        code.insert(0, text);
      });
    },
    type(text) {
      code.insert(code.length, text);
    },
    saved,
    setAwarenessField(field, value) {
      provider.setAwarenessField(field, value);
    },
    close() {
      if (closed) return;
      closed = true;
      provider.destroy();
      socket.destroy();
    },
  };
}
