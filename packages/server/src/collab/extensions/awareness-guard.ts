import type { IncomingMessage } from "node:http";
import {
  type beforeHandleAwarenessPayload,
  type beforeHandleMessagePayload,
  type Connection,
  type Extension,
  isTransactionOrigin,
} from "@hocuspocus/server";
import { AWARENESS_LIMITS, awarenessStateSchema, CLOSE_CODES } from "@observer/protocol";
import * as decoding from "lib0/decoding";
import type { Ctx } from "../../context.ts";
import type { CloseReason, CollabContext } from "../context.ts";

/** Hocuspocus message types that touch awareness (an update, a query answered with all states). */
const AWARENESS = 1;
const QUERY_AWARENESS = 3;

export const awarenessTooLarge: CloseReason = {
  code: CLOSE_CODES.tooLarge,
  reason: "Awareness update too large",
};
export const awarenessFlood: CloseReason = {
  code: CLOSE_CODES.tooManyRequests,
  reason: "Too many awareness updates",
};
export const awarenessClientIds: CloseReason = {
  code: CLOSE_CODES.tooManyRequests,
  reason: "Too many awareness client ids",
};

type Limits = { -readonly [K in keyof typeof AWARENESS_LIMITS]: number };

/** What one document connection has published so far. */
interface ConnectionState {
  clientIds: Set<number>;
  tokens: number;
  refilledAt: number;
  warnedInvalid: boolean;
  /** Client ids of the awareness update being handled (read from the raw message). */
  pendingIds: Set<number> | null;
}

const isEmptyObject = (value: unknown) =>
  typeof value === "object" && value !== null && Object.keys(value).length === 0;

/**
 * The Hocuspocus message type of a raw message (read after its document name) and, for an
 * awareness update, the client ids it carries; null if it cannot be read.
 */
export function readMessage(raw: Uint8Array): { type: number; clientIds: number[] } | null {
  try {
    const decoder = decoding.createDecoder(raw);
    decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    const clientIds: number[] = [];
    if (type === AWARENESS) {
      const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
      const count = decoding.readVarUint(update);
      for (let i = 0; i < count; i++) {
        clientIds.push(decoding.readVarUint(update));
        decoding.readVarUint(update); // clock
        decoding.readVarString(update); // state (JSON)
      }
    }
    return { type, clientIds };
  } catch {
    return null;
  }
}

/**
 * Keeps what a client publishes in awareness to what our editors publish, before Hocuspocus
 * applies it and fans it out to everyone else in the document:
 * - every state must parse as `awarenessStateSchema` (unknown fields are stripped; a state that
 *   does not parse, e.g. a selection that would not resolve, is dropped, not relayed);
 * - per document connection: messages of at most `maxMessageBytes`, states for at most
 *   `maxClientIds` client ids, and a token bucket of `messagesPerSecond` (burst `burst`)
 *   awareness updates and queries. A connection over any of these is an abuser: the update is
 *   refused, its whole WebSocket closed with 4413 / 4429 and a reason, and a line is logged.
 * Runs after Activity (lower priority), so `user` is already the authenticated identity.
 */
export class AwarenessGuard implements Extension {
  extensionName = "observer-awareness-guard";
  priority = 50;
  private readonly connections = new WeakMap<Connection, ConnectionState>();
  private readonly limits: Limits;

  constructor(
    private readonly ctx: Ctx,
    private readonly closeSocket: (request: IncomingMessage, reason: CloseReason) => void,
    limits: Partial<Limits> = {},
  ) {
    this.limits = { ...AWARENESS_LIMITS, ...limits };
  }

  private stateOf(connection: Connection): ConnectionState {
    let state = this.connections.get(connection);
    if (!state) {
      state = {
        clientIds: new Set(),
        tokens: this.limits.burst,
        refilledAt: Date.now(),
        warnedInvalid: false,
        pendingIds: null,
      };
      this.connections.set(connection, state);
    }
    return state;
  }

  async beforeHandleMessage({
    connection,
    update,
    documentName,
    context,
  }: beforeHandleMessagePayload): Promise<void> {
    const message = readMessage(update);
    if (!message || (message.type !== AWARENESS && message.type !== QUERY_AWARENESS)) return;
    const state = this.stateOf(connection);
    if (update.byteLength > this.limits.maxMessageBytes)
      this.abuse(connection, documentName, context, awarenessTooLarge, { bytes: update.byteLength });
    const now = Date.now();
    state.tokens = Math.min(
      this.limits.burst,
      state.tokens + ((now - state.refilledAt) / 1000) * this.limits.messagesPerSecond,
    );
    state.refilledAt = now;
    if (state.tokens < 1) this.abuse(connection, documentName, context, awarenessFlood, {});
    state.tokens -= 1;
    for (const id of message.clientIds) state.clientIds.add(id);
    if (state.clientIds.size > this.limits.maxClientIds)
      this.abuse(connection, documentName, context, awarenessClientIds, { clientIds: state.clientIds.size });
    state.pendingIds = new Set(message.clientIds);
  }

  async beforeHandleAwareness({
    states,
    connection,
    documentName,
    context,
    transactionOrigin,
  }: beforeHandleAwarenessPayload<CollabContext>): Promise<void> {
    // Relayed by another instance (Redis): that instance applied the per-connection limits.
    const fromClient = isTransactionOrigin(transactionOrigin) && transactionOrigin.source === "connection";
    const tracked = fromClient && connection ? this.stateOf(connection) : null;
    const sent = tracked?.pendingIds ?? null;
    if (tracked) tracked.pendingIds = null;
    for (const [clientId, raw] of states) {
      // Hocuspocus decodes the update into a scratch Awareness whose own (empty) local state,
      // under a new random client id each message, is in the map too: only what was sent counts.
      if (sent ? !sent.has(clientId) : isEmptyObject(raw)) {
        states.delete(clientId);
        continue;
      }
      const parsed = awarenessStateSchema.safeParse(raw);
      if (parsed.success) {
        states.set(clientId, parsed.data);
        continue;
      }
      states.delete(clientId);
      if (tracked && !tracked.warnedInvalid) {
        tracked.warnedInvalid = true;
        this.ctx.log.warn(
          { document: documentName, userId: context?.user?.id, issues: parsed.error.issues.slice(0, 3) },
          "collab: invalid awareness state dropped",
        );
      }
    }
  }

  /** Logs, closes the connection's WebSocket and throws (Hocuspocus then drops the message). */
  private abuse(
    connection: Connection,
    documentName: string,
    context: CollabContext | undefined,
    reason: CloseReason,
    details: Record<string, number>,
  ): never {
    this.ctx.log.warn(
      {
        document: documentName,
        userId: context?.user?.id,
        code: reason.code,
        reason: reason.reason,
        ...details,
      },
      "collab: awareness abuse, socket closed",
    );
    this.closeSocket(connection.request as unknown as IncomingMessage, reason);
    throw reason;
  }
}
