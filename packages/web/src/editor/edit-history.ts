import * as Y from "yjs";
import type { Attribution } from "./attribution.ts";

type StackItem = Y.UndoManager["undoStack"][number];

export interface EditHistoryOptions {
  text: Y.Text;
  attribution: Attribution;
  /** Origins of this user's own edits (the Monaco binding, the language switch). */
  ownOrigins: readonly unknown[];
  /** Origin of the changes that arrive from the server (the collaboration provider). */
  remoteOrigin: unknown;
  /** The other user whose changes can be undone on their own (the teacher), if any. */
  otherUserId?: string | null;
  /** Edits closer together than this are undone together. */
  captureTimeoutMs?: number;
  /** The other user's edits closer together than this are undone together. */
  otherCaptureTimeoutMs?: number;
}

/**
 * Undo and redo for a shared editor, split by author.
 *
 * Invariants:
 * - `undo()` / `redo()` only ever touch this user's own edits (the transactions with one of
 *   `ownOrigins`): whatever others typed meanwhile stays.
 * - `undoOther()` only ever undoes changes made by `otherUserId`, as attributed by the
 *   document's PermanentUserData: insertions by that user's clientIDs, deletions recorded
 *   under that user. Changes by anyone else (another tab of this user included) are never
 *   in its stack, and undoing one of the other user's changes leaves this user's own undo
 *   stack as it was.
 */
export class EditHistory {
  readonly own: Y.UndoManager;
  readonly other: Y.UndoManager | null;
  private readonly attribution: Attribution;
  private readonly otherUserId: string | null;
  private readonly listeners = new Set<() => void>();
  private readonly users: Y.Map<unknown>;

  constructor(options: EditHistoryOptions) {
    const { text, attribution } = options;
    this.attribution = attribution;
    this.otherUserId = options.otherUserId ?? null;
    this.users = attribution.users.yusers;
    this.own = new Y.UndoManager(text, {
      trackedOrigins: new Set(options.ownOrigins),
      captureTimeout: options.captureTimeoutMs ?? 500,
    });
    this.other =
      this.otherUserId === null
        ? null
        : new Y.UndoManager(text, {
            trackedOrigins: new Set([options.remoteOrigin]),
            captureTimeout: options.otherCaptureTimeoutMs ?? 1500,
            // Leave out at once what someone else visibly inserted; deletions are only
            // attributed a moment later, when the deleter's record arrives.
            captureTransaction: (transaction) => !this.insertedBySomeoneElse(transaction),
          });
    for (const manager of [this.own, this.other]) {
      manager?.on("stack-item-added", this.changed);
      manager?.on("stack-item-popped", this.changed);
      manager?.on("stack-cleared", this.changed);
    }
    this.users.observeDeep(this.changed);
  }

  private readonly changed = (): void => {
    for (const listener of this.listeners) listener();
  };

  /** Calls `listener` when what can be undone may have changed. Returns an unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Undoes this user's last own edit; false if there was none. */
  undo(): boolean {
    return this.own.undo() !== null;
  }

  /** Redoes this user's last undone edit; false if there was none. */
  redo(): boolean {
    return this.own.redo() !== null;
  }

  /** Whether the other user made a change that can still be undone. */
  canUndoOther(): boolean {
    return this.otherItems(false).length > 0;
  }

  /** Undoes the other user's last change; false if there was none. */
  undoOther(): boolean {
    if (!this.other) return false;
    this.other.undoStack = this.otherItems(true);
    const undone = this.other.undo() !== null;
    this.changed();
    return undone;
  }

  private insertedBySomeoneElse(transaction: Y.Transaction): boolean {
    for (const [client, clock] of transaction.afterState) {
      if (clock <= (transaction.beforeState.get(client) ?? 0)) continue;
      const user = this.attribution.userOfClient(client);
      if (user !== null && user !== this.otherUserId) return true;
    }
    return false;
  }

  /**
   * The other manager's stack items that are the other user's. With `strict`, an item must be
   * positively theirs (used right before undoing); otherwise items whose deletions are not
   * attributed yet are kept as probably theirs (used for showing the button).
   */
  private otherItems(strict: boolean): StackItem[] {
    if (!this.other) return [];
    return this.other.undoStack.filter((item) => {
      const authors = this.authorsOf(item);
      if (authors.size === 0) return false;
      for (const author of authors) {
        if (author === null ? strict : author !== this.otherUserId) return false;
      }
      return true;
    });
  }

  private authorsOf(item: StackItem): Set<string | null> {
    const authors = new Set<string | null>();
    for (const [client, ranges] of item.insertions.clients) {
      if (ranges.length > 0) authors.add(this.attribution.userOfClient(client));
    }
    for (const [client, ranges] of item.deletions.clients) {
      for (const { clock, len } of ranges) {
        authors.add(this.attribution.deleterOf(Y.createID(client, clock)));
        if (len > 1) authors.add(this.attribution.deleterOf(Y.createID(client, clock + len - 1)));
      }
    }
    return authors;
  }

  dispose(): void {
    this.users.unobserveDeep(this.changed);
    this.own.destroy();
    this.other?.destroy();
    this.listeners.clear();
  }
}
