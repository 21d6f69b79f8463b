import type { AiLogEntry } from "@observer/protocol";

/** What a student's tile shows of their questions: how many, and the latest. */
export interface AiStudentSummary {
  count: number;
  last: AiLogEntry;
}

/** Whether `next` may replace `known` (the same exchange): a finished one never goes back to streaming. */
export function isNewer(next: AiLogEntry, known: AiLogEntry): boolean {
  return !(known.status !== "streaming" && next.status === "streaming");
}

const byTime = (a: AiLogEntry, b: AiLogEntry) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id);

/**
 * A session's AI exchanges as its teacher knows them: loaded with `GET …/ai/log` (on each
 * connect of the channel), then kept by its `ai_exchange` messages. React reads it with
 * useSyncExternalStore: `getSnapshot()` and `summaryOf(userId)` return the same objects until
 * they change (a tile wakes only for its own student's questions).
 */
export class AiLog {
  #entries = new Map<string, AiLogEntry>();
  #snapshot: readonly AiLogEntry[] = [];
  #summaries = new Map<string, AiStudentSummary>();
  readonly #listeners = new Set<() => void>();

  /** Every exchange, oldest first (a new array after each change). */
  readonly getSnapshot = (): readonly AiLogEntry[] => this.#snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** A student's questions so far, or null when they asked none. */
  summaryOf(userId: string): AiStudentSummary | null {
    return this.#summaries.get(userId) ?? null;
  }

  /** Takes the whole log; an exchange the channel already finished keeps its newer state. */
  load(entries: readonly AiLogEntry[]): void {
    for (const entry of entries) {
      const known = this.#entries.get(entry.id);
      if (!known || isNewer(entry, known)) this.#entries.set(entry.id, entry);
    }
    this.#publish();
  }

  /** One `ai_exchange` message: a new question, or one that got its answer (or failed). */
  apply(entry: AiLogEntry): void {
    const known = this.#entries.get(entry.id);
    if (known && !isNewer(entry, known)) return;
    this.#entries.set(entry.id, entry);
    this.#publish();
  }

  #publish(): void {
    this.#snapshot = [...this.#entries.values()].sort(byTime);
    const counts = new Map<string, AiStudentSummary>();
    for (const entry of this.#snapshot) {
      counts.set(entry.userId, { count: (counts.get(entry.userId)?.count ?? 0) + 1, last: entry });
    }
    const summaries = new Map<string, AiStudentSummary>();
    for (const [userId, next] of counts) {
      const known = this.#summaries.get(userId);
      summaries.set(userId, known && known.count === next.count && known.last === next.last ? known : next);
    }
    this.#summaries = summaries;
    for (const listener of this.#listeners) listener();
  }
}
