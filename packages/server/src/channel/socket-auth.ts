import { CLOSE_CODES } from "@observer/protocol";
import type { WebSocket } from "ws";
import { type Actor, authenticate } from "../auth/actor.ts";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";

/**
 * Authenticates the token of a socket's first message. On failure closes the socket — 4403
 * for a deactivated account, else 4401 — and returns null.
 */
export async function authenticateSocket(ctx: Ctx, ws: WebSocket, token: string): Promise<Actor | null> {
  try {
    return await authenticate(ctx.db, ctx.tokens, token);
  } catch (err) {
    const status = err instanceof AppError ? err.status : 401;
    ws.close(status === 403 ? CLOSE_CODES.forbidden : CLOSE_CODES.unauthorized, "Unauthorized");
    return null;
  }
}
