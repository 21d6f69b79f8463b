import { CLOSE_CODES, CLOSE_REASONS } from "@observer/protocol";
import type { WebSocket } from "ws";
import type { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import { type LiveSocket, tooManySocketsReason } from "../auth/live-sockets.ts";
import type { Ctx } from "../context.ts";
import { authenticateSocket, recheckSocket } from "./socket-auth.ts";

/** How long a new socket has to send its auth message before it is closed with 4401. */
const AUTH_TIMEOUT_MS = 5000;
/** Messages a client may send before its session is ready (kept, then handed over in order). */
const MAX_EARLY_MESSAGES = 256;

/** What one kind of JSON socket does once a caller has authenticated on it. */
export interface SocketSession<Admitted> {
  /** Names the socket in the logs ("session channel"). */
  label: string;
  /** The first message: `{type:"auth", token}`. */
  authSchema: z.ZodType<{ token: string }>;
  /** Larger messages close the socket with 4400 (without it, only the route's `maxPayload` limits them). */
  maxMessageBytes?: number;
  /** Whether the caller may use this socket: what the session needs, or null once it closed the socket. */
  admit(actor: Actor): Promise<Admitted | null>;
  /** After a revocation: whether the caller as they are now may still use the socket. */
  stillAllowed(fresh: Actor, admitted: Admitted): Promise<boolean>;
  /** Sets the session up for an admitted caller; calls `ready()` once it takes messages. */
  start(actor: Actor, admitted: Admitted, ready: () => void): Promise<void>;
  /** Each later client message, parsed JSON (not yet checked against a schema). */
  message(parsed: unknown): void;
  /**
   * Keep the messages that arrive between the auth message and `ready()` (up to 256; more close
   * the socket with 4413) and hand them over then. Without it they are handed over at once.
   */
  keepEarlyMessages?: boolean;
}

/**
 * Accepts a JSON socket: the first message, within 5 s, authenticates (one auth per socket);
 * binary, oversized and malformed messages close it with 4400. An admitted caller's socket is
 * registered in `ctx.sockets` (so a revocation re-checks it) until it closes.
 */
export function acceptSocket<Admitted>(ctx: Ctx, ws: WebSocket, session: SocketSession<Admitted>): void {
  /** Set by the first message: any later one is not an auth message. */
  let authenticating = false;
  let ready = false;
  let closed = false;
  const early: unknown[] = [];
  const authTimer = setTimeout(
    () => ws.close(CLOSE_CODES.unauthorized, "Authenticate first"),
    AUTH_TIMEOUT_MS,
  );
  const markReady = () => {
    ready = true;
    for (const message of early.splice(0)) session.message(message);
  };

  const start = async (token: string) => {
    const checkedAt = Date.now();
    const actor = await authenticateSocket(ctx, ws, token);
    if (!actor) return;
    const admitted = await session.admit(actor);
    if (admitted === null || closed) return;
    const live: LiveSocket = {
      recheck: () => recheckSocket(ctx, ws, actor, (fresh) => session.stillAllowed(fresh, admitted)),
    };
    if (!ctx.sockets.add(actor.id, live, checkedAt)) {
      const { code, reason } = tooManySocketsReason(ctx.sockets.maxPerUser);
      ws.close(code, reason);
      return;
    }
    ws.once("close", () => ctx.sockets.remove(actor.id, live));
    await session.start(actor, admitted, markReady);
  };

  const later = (parsed: unknown) => {
    // One auth per socket: another would leave a second subscription or attach.
    if ((parsed as { type?: unknown } | null)?.type === "auth") {
      ws.close(CLOSE_CODES.malformed, "Authenticate once per connection");
      return;
    }
    if (ready || !session.keepEarlyMessages) return session.message(parsed);
    if (early.length >= MAX_EARLY_MESSAGES) return ws.close(CLOSE_CODES.tooLarge, "Too many messages");
    early.push(parsed);
  };

  ws.on("message", (data: Buffer, isBinary: boolean) => {
    const max = session.maxMessageBytes;
    if (isBinary || (max !== undefined && data.byteLength > max)) {
      ws.close(
        CLOSE_CODES.malformed,
        max === undefined ? "Send JSON text messages" : "Send small JSON text messages",
      );
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString("utf8"));
    } catch {
      ws.close(CLOSE_CODES.malformed, "Malformed JSON");
      return;
    }
    if (authenticating) return later(parsed);
    authenticating = true;
    clearTimeout(authTimer);
    const auth = session.authSchema.safeParse(parsed);
    if (!auth.success) {
      ws.close(CLOSE_CODES.unauthorized, "The first message must be {type:'auth', token}");
      return;
    }
    start(auth.data.token).catch((err) => {
      ctx.log.error({ err }, `${session.label} failed to start`);
      ws.close(CLOSE_CODES.serverError, CLOSE_REASONS[CLOSE_CODES.serverError]);
    });
  });

  ws.on("close", () => {
    closed = true;
    clearTimeout(authTimer);
  });
  ws.on("error", (err) => ctx.log.debug({ err }, `${session.label} socket error`));
}
