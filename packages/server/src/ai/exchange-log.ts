import type { AiLogEntry } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { publishSessionEvent } from "../bus/session-events.ts";
import { sessionAccess } from "../commands/session-access.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { type AiExchangeViewRow, exchangesOfSession, findExchangeView } from "../storage/ai-exchanges.ts";

/** The most entries the log returns (oldest first). */
export const AI_LOG_LIMIT = 5000;

/** An exchange as the teacher's log shows it. */
export function presentExchange(row: AiExchangeViewRow): AiLogEntry {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    kind: row.kind,
    message: row.message,
    answer: row.answer,
    at: row.asked_at.toISOString(),
    mode: row.mode,
    status: row.status,
    error: row.error,
    cut: row.cut,
  };
}

/** `GET /api/sessions/:id/ai/log`: every exchange of the session, oldest first; its teacher and admins only. */
export async function aiLogReader(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
): Promise<{ entries: AiLogEntry[] }> {
  const { manage } = await sessionAccess(ctx, actor, sessionId);
  if (!manage) throw fail("forbidden", "Only the session's teacher reads the AI log.");
  const rows = await exchangesOfSession(ctx.db, sessionId, AI_LOG_LIMIT);
  return { entries: rows.map(presentExchange) };
}

/**
 * Tells the session's teachers (the channel sends `ai_exchange` to them only) that an exchange
 * started or ended, with the entry as stored now. Never fails the question.
 */
export async function announceExchange(ctx: Ctx, sessionId: string, exchangeId: string): Promise<void> {
  try {
    const row = await findExchangeView(ctx.db, exchangeId);
    if (row)
      await publishSessionEvent(ctx.bus, sessionId, { type: "ai_exchange", entry: presentExchange(row) });
  } catch (err) {
    ctx.log.warn({ err, sessionId, exchangeId }, "AI: announcing an exchange failed");
  }
}
