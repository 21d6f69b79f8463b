import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { DOC_CODE, DOC_META } from "@observer/protocol";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { expect } from "vitest";
import { WebSocket } from "ws";
import * as Y from "yjs";
import { retryableAssertion } from "./support.ts";

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

/** Hocuspocus' message type of the server's answer to a change: applied (1) or not (0). */
const SYNC_STATUS_MESSAGE = 8;

/** The server's answers to one document client's changes, and its stateless messages, as they arrive. */
export interface Answers {
  applied: number;
  refused: number;
  stateless: string[];
}

/**
 * Counts the server's answers to a document client's changes (Hocuspocus' SyncStatus: each
 * change it sends is answered applied or refused) and records its stateless messages.
 */
export function watchAnswers(client: DocClient): Answers {
  const answers: Answers = { applied: 0, refused: 0, stateless: [] };
  client.provider.on("message", ({ message }: { message: { data: ArrayBuffer | Uint8Array } }) => {
    const decoder = decoding.createDecoder(new Uint8Array(message.data));
    decoding.readVarString(decoder);
    if (decoding.readVarUint(decoder) !== SYNC_STATUS_MESSAGE) return;
    if (decoding.readVarInt(decoder) === 1) answers.applied += 1;
    else answers.refused += 1;
  });
  client.provider.on("stateless", ({ payload }: { payload: string }) => answers.stateless.push(payload));
  return answers;
}

/** A document client whose server answers are counted from its handshake on. */
export interface WatchedDoc {
  client: DocClient;
  answers: Answers;
}

/**
 * Opens a document and waits for the server's answer to its handshake (the sync step 2 the
 * client sends back), so that each later answer is that of one change, in order.
 */
export async function openWatched(httpUrl: string, name: string, token: string): Promise<WatchedDoc> {
  const client = openDoc(httpUrl, { name, token });
  const answers = watchAnswers(client);
  await client.synced;
  await retryableAssertion(() => expect(answers.applied + answers.refused).toBe(1));
  return { client, answers };
}

/** Types at the end of a watched document and waits for the server's answer: true when it applied the change. */
export async function typedAndAnswered({ client, answers }: WatchedDoc, text: string): Promise<boolean> {
  const before = answers.applied + answers.refused;
  const refusedBefore = answers.refused;
  client.code.insert(client.code.length, text);
  await retryableAssertion(() => expect(answers.applied + answers.refused).toBe(before + 1));
  return answers.refused === refusedBefore;
}
