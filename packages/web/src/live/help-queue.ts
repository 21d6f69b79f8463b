import type { Hand } from "@observer/protocol";

const STATUS_RANK: Record<Hand["status"], number> = { waiting: 0, helping: 1, resolved: 2 };

/**
 * Whether `next` may replace `known` (the same hand): a hand only moves forward (waiting ->
 * helping -> resolved) and, while waiting, only up the queue. A reply loaded before a newer
 * channel message therefore never undoes it; a change of message or line at the same state
 * is taken.
 */
export function isNotOlder(next: Hand, known: Hand): boolean {
  const rank = STATUS_RANK[next.status] - STATUS_RANK[known.status];
  if (rank !== 0) return rank > 0;
  if (next.status === "waiting") return (next.position ?? 0) <= (known.position ?? 0);
  if (next.status === "helping") return (next.claimedAt ?? "") >= (known.claimedAt ?? "");
  return true;
}

/** Waiting hands by their place, then the ones being helped, oldest first. */
function queueOrder(a: Hand, b: Hand): number {
  const rank = STATUS_RANK[a.status] - STATUS_RANK[b.status];
  if (rank !== 0) return rank;
  if (a.status === "waiting") return (a.position ?? 0) - (b.position ?? 0);
  return a.createdAt.localeCompare(b.createdAt);
}

/**
 * The open hands of a session as one member knows them: the teacher's whole queue, or a
 * student's own hand. Fed by `GET /api/sessions/:id/hands` (on connect) and the channel's
 * `hand_update` messages; React reads it with useSyncExternalStore.
 */
export class HelpQueue {
  #hands = new Map<string, Hand>();
  /** Hands heard resolved: a list loaded before that news does not bring them back. */
  readonly #resolved = new Set<string>();
  #snapshot: readonly Hand[] = [];
  #loaded = false;
  readonly #listeners = new Set<() => void>();

  /** Whether a full list has been loaded once (before it, the queue knows only what the channel told). */
  get loaded(): boolean {
    return this.#loaded;
  }

  /** The open hands, in queue order (a new array after each change). */
  readonly getSnapshot = (): readonly Hand[] => this.#snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** A student's open hand, or null. */
  handOf(userId: string): Hand | null {
    return this.#snapshot.find((hand) => hand.userId === userId) ?? null;
  }

  /**
   * Takes a fresh list of the open hands: hands it does not name were closed meanwhile; a
   * hand the channel has already moved on keeps its newer state.
   */
  load(hands: readonly Hand[]): void {
    const next = new Map<string, Hand>();
    for (const hand of hands) {
      if (this.#resolved.has(hand.id)) continue;
      const known = this.#hands.get(hand.id);
      next.set(hand.id, known && !isNotOlder(hand, known) ? known : hand);
    }
    this.#hands = next;
    this.#loaded = true;
    this.#publish();
  }

  /** One `hand_update`: a new or changed hand; a resolved one leaves the queue. */
  apply(hand: Hand): void {
    const known = this.#hands.get(hand.id);
    if (this.#resolved.has(hand.id) || (known && !isNotOlder(hand, known))) return;
    if (hand.status === "resolved") {
      this.#resolved.add(hand.id);
      this.#hands.delete(hand.id);
    } else this.#hands.set(hand.id, hand);
    this.#publish();
  }

  #publish(): void {
    this.#snapshot = [...this.#hands.values()].sort(queueOrder);
    for (const listener of this.#listeners) listener();
  }
}
