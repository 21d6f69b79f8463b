import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { DOC_CODE, DOC_META } from "@observer/protocol";
import * as encoding from "lib0/encoding";
import { WebSocket } from "ws";
import * as Y from "yjs";

/** A Node Hocuspocus client of one document, as the browser would have. */
export interface DocClient {
  provider: HocuspocusProvider;
  doc: Y.Doc;
  code: Y.Text;
  meta: Y.Map<unknown>;
  /** Resolves on the first sync with the server. */
  synced: Promise<void>;
  /** Resolves with the reason when the server refuses the document. */
  refused: Promise<string>;
  /** Resolves with the close code when the socket is closed by the server. */
  closed: Promise<number>;
  destroy(): void;
}

export const collabUrl = (httpUrl: string) => `${httpUrl.replace(/^http/, "ws")}/collab`;

/** A socket that several documents share (as the teacher's dashboard does). */
export function sharedSocket(httpUrl: string): HocuspocusProviderWebsocket {
  return new HocuspocusProviderWebsocket({
    url: collabUrl(httpUrl),
    WebSocketPolyfill: WebSocket,
    delay: 50,
    minDelay: 50,
    maxDelay: 500,
    factor: 1.5,
  });
}

export function openDoc(
  httpUrl: string,
  opts: { name: string; token: string | null; socket?: HocuspocusProviderWebsocket; doc?: Y.Doc },
): DocClient {
  const doc = opts.doc ?? new Y.Doc();
  let resolveSynced!: () => void;
  let resolveRefused!: (reason: string) => void;
  let resolveClosed!: (code: number) => void;
  const synced = new Promise<void>((r) => {
    resolveSynced = r;
  });
  const refused = new Promise<string>((r) => {
    resolveRefused = r;
  });
  const closed = new Promise<number>((r) => {
    resolveClosed = r;
  });
  const socket = opts.socket ?? sharedSocket(httpUrl);
  const provider = new HocuspocusProvider({
    websocketProvider: socket,
    name: opts.name,
    token: opts.token,
    document: doc,
    onSynced: () => resolveSynced(),
    onAuthenticationFailed: ({ reason }) => resolveRefused(reason),
    onClose: ({ event }) => resolveClosed(event.code),
  });
  provider.attach();
  return {
    provider,
    doc,
    code: doc.getText(DOC_CODE),
    meta: doc.getMap(DOC_META),
    synced,
    refused,
    closed,
    destroy() {
      provider.destroy();
      if (!opts.socket) socket.destroy();
    },
  };
}

/** One raw Hocuspocus awareness message for `documentName` carrying the given client states. */
export function awarenessMessage(
  documentName: string,
  states: { clientId: number; clock?: number; state: unknown }[],
): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, states.length);
  for (const { clientId, clock, state } of states) {
    encoding.writeVarUint(update, clientId);
    encoding.writeVarUint(update, clock ?? 1);
    encoding.writeVarString(update, JSON.stringify(state));
  }
  const message = encoding.createEncoder();
  encoding.writeVarString(message, documentName);
  encoding.writeVarUint(message, 1); // MessageType.Awareness
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
  return encoding.toUint8Array(message);
}

/** The raw ws socket under a document client (to send crafted frames a real provider would not). */
export function rawSocket(client: DocClient): WebSocket {
  const ws = (client.provider.configuration.websocketProvider as unknown as { webSocket: WebSocket | null })
    .webSocket;
  if (!ws) throw new Error("the document's socket is not open");
  return ws;
}
