import { CLOSE_CODES } from "@observer/protocol";
import type { WebSocket } from "ws";
import { type Actor, authenticate, recheckActor } from "../auth/actor.ts";
import { revokedCloseReason } from "../auth/live-sockets.ts";
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

/**
 * Re-checks a socket's caller after a revocation: closes it with the revocation's code when
 * the login has ended, or 4403 when `stillAllowed` says the caller as they are now may no
 * longer use it.
 */
export async function recheckSocket(
  ctx: Ctx,
  ws: WebSocket,
  actor: Actor,
  stillAllowed: (fresh: Actor) => Promise<boolean>,
): Promise<void> {
  let fresh: Actor;
  try {
    fresh = await recheckActor(ctx.db, actor);
  } catch (err) {
    const { code, reason } = revokedCloseReason(err);
    ws.close(code, reason);
    return;
  }
  if (!(await stillAllowed(fresh))) ws.close(CLOSE_CODES.forbidden, "Forbidden");
}
