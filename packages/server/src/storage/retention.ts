import { sql } from "kysely";
import type { Db } from "./database.ts";

const DAY_MS = 24 * 60 * 60_000;

/** What one pruning pass did. */
export interface PruneResult {
  sessions: number;
  historyRows: number;
  editEvents: number;
  runOutputs: number;
}

/**
 * Prunes the sessions that ended more than `days` ago and are not pruned yet: their history
 * (the Yjs log becomes one row, the code as it is now, at the session's end) and edit records
 * go, their runs' output is emptied (marked truncated); the final code, the runs' results,
 * the hands and the participants stay. Each session in its own transaction, once.
 */
export async function pruneEndedSessions(db: Db, days: number, now = new Date()): Promise<PruneResult> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const due = await db
    .selectFrom("sessions")
    .select(["id", "ended_at"])
    .where("status", "=", "ended")
    .where("ended_at", "<", cutoff)
    .where("history_pruned_at", "is", null)
    .execute();
  const result: PruneResult = { sessions: 0, historyRows: 0, editEvents: 0, runOutputs: 0 };
  for (const session of due) {
    await db.transaction().execute(async (trx) => {
      const documents = await trx
        .selectFrom("documents")
        .select(["name", "state"])
        .where("session_id", "=", session.id)
        .execute();
      for (const doc of documents) {
        const removed = await trx
          .deleteFrom("document_updates")
          .where("document_name", "=", doc.name)
          .executeTakeFirst();
        result.historyRows += Number(removed.numDeletedRows);
        // The code as it is stays a moment of the history: playback opens on the final code.
        await trx
          .insertInto("document_updates")
          .values({
            document_name: doc.name,
            update: doc.state,
            created_at: session.ended_at ?? now,
            first_at: session.ended_at ?? now,
          })
          .execute();
      }
      const events = await trx
        .deleteFrom("edit_events")
        .where("session_id", "=", session.id)
        .executeTakeFirst();
      result.editEvents += Number(events.numDeletedRows);
      const outputs = await trx
        .updateTable("runs")
        .set({ output: "", output_truncated: true })
        .where("session_id", "=", session.id)
        .where(sql<boolean>`output <> ''`)
        .executeTakeFirst();
      result.runOutputs += Number(outputs.numUpdatedRows);
      await trx
        .updateTable("sessions")
        .set({ history_pruned_at: now })
        .where("id", "=", session.id)
        .execute();
    });
    result.sessions += 1;
  }
  return result;
}

/** The next time the nightly job runs: 03:00 server time, today if still ahead, else tomorrow. */
export function nextNightlyRun(now: Date, hour = 3): Date {
  const next = new Date(now);
  next.setHours(hour, 0, 0, 0);
  if (next.getTime() <= now.getTime()) next.setDate(next.getDate() + 1);
  return next;
}
