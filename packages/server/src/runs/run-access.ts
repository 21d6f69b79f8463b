import { isUuid, type Run } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { canManageSession } from "../auth/policies.ts";
import type { Ctx } from "../context.ts";
import { findRun } from "../storage/runs.ts";
import type { RunRow } from "../storage/schema.ts";
import { type LiveRunRecord, presentLiveRun, presentRun } from "./run-summary.ts";

export type RunAccess =
  | { found: false }
  | { found: true; allowed: false }
  | {
      found: true;
      allowed: true;
      /** Under way on this instance (null: only its row, finished or on another instance). */
      live: LiveRunRecord | null;
      row: RunRow | null;
      run: Run;
      /** The caller is the session's teacher (or an admin), not the run's student. */
      manage: boolean;
    };

/**
 * Loads a run for a caller: its student and the session's teacher (and admins) may see it and
 * attach to its terminal; anyone else may not.
 */
export async function runAccess(ctx: Ctx, actor: Actor, runId: string): Promise<RunAccess> {
  if (!isUuid(runId)) return { found: false };
  const id = runId.toLowerCase();
  const live = ctx.runs.get(id) ?? null;
  const row = live ? null : ((await findRun(ctx.db, id)) ?? null);
  const owner = live ?? (row ? { sessionId: row.session_id, userId: row.user_id } : null);
  if (!owner) return { found: false };
  const session = live
    ? { teacher_id: live.teacherId }
    : await ctx.db
        .selectFrom("sessions")
        .select(["teacher_id"])
        .where("id", "=", owner.sessionId)
        .executeTakeFirst();
  const manage = session ? canManageSession(actor, session) : false;
  if (!manage && owner.userId !== actor.id) return { found: true, allowed: false };
  const run = live ? presentLiveRun(live) : presentRun(row as RunRow);
  return { found: true, allowed: true, live, row, run, manage };
}
