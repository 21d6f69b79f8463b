import { nextFailedInARow, type RunSummary } from "@observer/protocol";

const hasEnded = (run: RunSummary) => run.status === "finished" || run.status === "failed";

/**
 * A student's failed runs in a row on the teacher's side: the roster's `failedInARow`, then
 * moved by each run's end as `run_update` messages report it. A run is counted once, when an
 * update first shows it ended (a run's end may be reported several times, and the roster's
 * count already includes the run it lists).
 */
export class FailedRunStreak {
  #count: number;
  readonly #counted = new Set<string>();

  constructor(count: number, lastRun: RunSummary | null) {
    this.#count = count;
    this.#note(lastRun);
  }

  get count(): number {
    return this.#count;
  }

  /** The roster's word (on each connect): its count, which includes its last run. */
  reset(count: number, lastRun: RunSummary | null): void {
    this.#count = count;
    this.#note(lastRun);
  }

  /** A run update; returns the count after it. */
  update(run: RunSummary): number {
    if (hasEnded(run) && !this.#counted.has(run.id)) this.#count = nextFailedInARow(this.#count, run);
    this.#note(run);
    return this.#count;
  }

  #note(run: RunSummary | null): void {
    if (run && hasEnded(run)) this.#counted.add(run.id);
  }
}
