import type { FastifyBaseLogger } from "fastify";
import type { Db } from "./database.ts";
import { nextNightlyRun, pruneEndedSessions } from "./retention.ts";

/** A minute after start: pruning waits until the server has settled. */
const FIRST_RUN_DELAY_MS = 60_000;

/**
 * With a retention period set (OBSERVER_HISTORY_RETENTION_DAYS), prunes the ended sessions past
 * it once a minute after start and then every night at 03:00. Several instances may each run
 * it: a session is pruned once (its `history_pruned_at`). `stop()` cancels the next run.
 */
export function startRetentionJob(db: Db, days: number, log: FastifyBaseLogger): { stop: () => void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const run = async () => {
    try {
      const result = await pruneEndedSessions(db, days);
      if (result.sessions > 0) log.info({ ...result, days }, "pruned the history of ended sessions");
    } catch (err) {
      log.error({ err }, "pruning the history of ended sessions failed");
    }
    schedule(nextNightlyRun(new Date()).getTime() - Date.now());
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(run, delay);
    timer.unref();
  };
  schedule(FIRST_RUN_DELAY_MS);
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
