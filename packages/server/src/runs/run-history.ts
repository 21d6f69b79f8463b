import { RUN_HISTORY_DEFAULT, type RunHistoryEntry, type RunHistoryQuery } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { sessionAccess } from "../commands/session-access.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { runsOfSession } from "../storage/runs.ts";
import { historyEntryOfRow } from "./run-summary.ts";

/**
 * A session's runs, newest first (`GET /api/sessions/:id/runs`): whoever manages the session
 * sees every student's, or one student's with `userId`; a member student only their own.
 */
export async function runHistory(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
  query: RunHistoryQuery,
): Promise<RunHistoryEntry[]> {
  const { manage } = await sessionAccess(ctx, actor, sessionId);
  const userId = query.userId?.toLowerCase();
  if (!manage && userId !== undefined && userId !== actor.id) {
    throw fail("forbidden", "You can only see your own runs.");
  }
  const rows = await runsOfSession(ctx.db, sessionId, {
    userId: manage ? userId : actor.id,
    limit: query.limit ?? RUN_HISTORY_DEFAULT,
  });
  return rows.map(historyEntryOfRow);
}
