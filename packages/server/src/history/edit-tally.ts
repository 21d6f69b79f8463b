import { PASTE_MIN_CHARS } from "@observer/protocol";

/** What one change (one Yjs transaction) did to a student's code. */
export interface ChangeFacts {
  /** The change's steps on the text (Y.Text event delta). */
  delta: readonly { insert?: unknown; delete?: number; retain?: number }[];
  /** The text after the change (asked only for a long insertion: it costs the document's length). */
  textAfter: () => string;
  /** The characters the change deleted (asked only for a long deletion). */
  deletedText: () => string;
  /** The change arrived as a reconnecting client's catch-up (sync step 2): edits made offline, merged. */
  catchUp: boolean;
}

/** How a change counts: characters typed and deleted, and the pastes among its insertions. */
export interface ChangeCount {
  typed: number;
  deleted: number;
  pastes: number[];
}

/** How long deleted text is remembered, so that undoing the deletion (or moving it) is no paste. */
const REMEMBER_DELETED_MS = 10 * 60_000;
const REMEMBER_DELETED_COUNT = 20;

const signature = (text: string) => [...text].sort().join("");

/**
 * Tells pastes from typing in one student document. An insertion of PASTE_MIN_CHARS or more
 * characters in one change is a paste, unless it cannot be text from elsewhere: an offline
 * client's catch-up (typing merged while away), text the student deleted in the last minutes
 * coming back (undo, or cut and paste to move it), or a copy of text already in their code.
 * It errs on the side of "typed": the signal is never an accusation.
 */
export class EditTally {
  private readonly deleted: { at: number; length: number; signature: string }[] = [];

  /** Counts one change made at `now` (ms). */
  count(change: ChangeFacts, now = Date.now()): ChangeCount {
    const result: ChangeCount = { typed: 0, deleted: 0, pastes: [] };
    let position = 0;
    for (const step of change.delta) {
      if (typeof step.retain === "number") position += step.retain;
      else if (typeof step.delete === "number") result.deleted += step.delete;
      else if (typeof step.insert === "string") {
        const text = step.insert;
        if (text.length >= PASTE_MIN_CHARS && !change.catchUp && !this.isOwnText(text, position, change, now))
          result.pastes.push(text.length);
        else result.typed += text.length;
        position += text.length;
      }
    }
    if (result.deleted >= PASTE_MIN_CHARS) this.remember(change.deletedText(), now);
    return result;
  }

  private isOwnText(text: string, position: number, change: ChangeFacts, now: number): boolean {
    // Already in the code somewhere else: a copy of the student's own code.
    const after = change.textAfter();
    const first = after.indexOf(text);
    if (first !== -1 && (first !== position || after.indexOf(text, position + 1) !== -1)) return true;
    const sig = signature(text);
    return this.deleted.some(
      (d) => now - d.at <= REMEMBER_DELETED_MS && d.length === text.length && d.signature === sig,
    );
  }

  private remember(text: string, now: number): void {
    this.deleted.push({ at: now, length: text.length, signature: signature(text) });
    while (this.deleted.length > REMEMBER_DELETED_COUNT) this.deleted.shift();
  }
}
