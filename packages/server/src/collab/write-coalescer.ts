/**
 * One write at a time per key (a document), and at most one waiting behind it: a write asked
 * for while one runs is done once when it ends, with whatever is current then, however many
 * times it was asked for meanwhile. Why: Hocuspocus queues a store of a document for each
 * debounced change and runs them one after the other, so when saves take longer than the gap
 * between keystrokes (a database behind, a busy core) the queue grows without end, and every
 * entry in it is a full save of a state a later one writes anyway. Behind this, the work a
 * document waits for is bounded by one write, whatever the typing rate.
 *
 * A failing write is handed to `onError` (the next one is still done); `idle` resolves when a
 * key has nothing running or waiting.
 */
export class WriteCoalescer {
  private readonly writes = new Map<string, { next: (() => Promise<void>) | null; done: Promise<void> }>();
  /** Writes asked for while one of the same key was running, folded into the one after it. */
  private folded = 0;

  constructor(private readonly onError: (key: string, err: unknown) => void) {}

  /** Asks for `write` of `key`: now when none runs, else once after the running one (the latest asked for). */
  request(key: string, write: () => Promise<void>): void {
    const running = this.writes.get(key);
    if (running) {
      if (running.next) this.folded += 1;
      running.next = write;
      return;
    }
    const entry: { next: (() => Promise<void>) | null; done: Promise<void> } = {
      next: null,
      done: Promise.resolve(),
    };
    this.writes.set(key, entry);
    entry.done = (async () => {
      let current: (() => Promise<void>) | null = write;
      while (current) {
        try {
          await current();
        } catch (err) {
          this.onError(key, err);
        }
        current = entry.next;
        entry.next = null;
      }
      this.writes.delete(key);
    })();
  }

  /** Resolves when `key` has no write running or waiting. */
  async idle(key: string): Promise<void> {
    for (let entry = this.writes.get(key); entry; entry = this.writes.get(key)) await entry.done;
  }

  /** Keys with a write running now. */
  get running(): number {
    return this.writes.size;
  }

  /** Keys with a write waiting behind the running one. */
  get waiting(): number {
    let n = 0;
    for (const entry of this.writes.values()) if (entry.next) n += 1;
    return n;
  }

  /** Writes asked for and folded into a later one, since the start. */
  get foldedTotal(): number {
    return this.folded;
  }
}
