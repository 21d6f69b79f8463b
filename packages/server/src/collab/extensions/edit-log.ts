import {
  type afterLoadDocumentPayload,
  type beforeSyncPayload,
  type Connection,
  type Extension,
  isTransactionOrigin,
  type onStoreDocumentPayload,
} from "@hocuspocus/server";
import { parseDocumentName } from "@observer/protocol";
import type * as Y from "yjs";
import { publishSessionEvent } from "../../bus/session-events.ts";
import type { Ctx } from "../../context.ts";
import { EditTally } from "../../history/edit-tally.ts";
import { insertEditEvents, type NewEditEvent, provenanceOfSession } from "../../storage/edit-events.ts";
import { endWriteRetries, LAST_ATTEMPT_MS, retryWrite } from "../../storage/retry-write.ts";
import type { CollabContext } from "../context.ts";
import { WriteCoalescer } from "../write-coalescer.ts";

/** y-protocols' sync step 2: a (re)connecting client's catch-up. */
const SYNC_STEP_2 = 1;
/** Least time between two provenance events of a student without a paste. */
const PROVENANCE_EVERY_MS = 30_000;

interface Tally {
  changes: number;
  inserted: number;
  deleted: number;
  at: Date;
}

/** The changes of a student document since its last flush. */
interface Pending {
  sessionId: string;
  studentId: string;
  tally: EditTally;
  /** The student's typing, and each helper's (by user id). */
  typing: Map<string, Tally>;
  pastes: NewEditEvent[];
  lastProvenance: number;
  dirtyProvenance: boolean;
}

const emptyTally = (): Tally => ({ changes: 0, inserted: 0, deleted: 0, at: new Date() });

/**
 * Writes down what each change to a student's code was, beside the Yjs history: typing (counted
 * per save), pastes (see history/edit-tally.ts), and the teacher's edits — for the timeline, the
 * paste signal and the analytics. Only changes received here from a client count (the instance
 * that received them writes them); the teacher hears a student's paste share with a
 * `provenance` event on the session channel (at once after a paste, else at most every 30 s).
 */
export class EditLog implements Extension {
  extensionName = "observer-edit-log";
  private readonly pending = new Map<string, Pending>();
  /** The last sync message type of each connection: the one its next change came in. */
  private readonly lastSync = new WeakMap<Connection, number>();
  /** Flushes under way (some perhaps waiting for the database), awaited at shutdown. */
  private readonly inFlight = new Set<Promise<void>>();
  /** The flushes after saves: one at a time per document, at most one waiting (write-coalescer.ts). */
  private readonly flushes: WriteCoalescer;
  /** Set at shutdown, once everything pending is being written: later flushes have nothing to add. */
  private closed = false;

  constructor(private readonly ctx: Ctx) {
    this.flushes = new WriteCoalescer((documentName, err) =>
      ctx.log.warn({ err, documentName }, "recording edits failed; they are kept for the next save"),
    );
  }

  async beforeSync({ connection, type }: beforeSyncPayload<CollabContext>): Promise<void> {
    this.lastSync.set(connection, type);
  }

  async afterLoadDocument({ documentName, document }: afterLoadDocumentPayload): Promise<void> {
    const address = parseDocumentName(documentName);
    if (address?.kind !== "student") return;
    const pending: Pending = {
      sessionId: address.sessionId,
      studentId: address.studentId,
      tally: new EditTally(),
      typing: new Map(),
      pastes: [],
      lastProvenance: 0,
      dirtyProvenance: false,
    };
    this.pending.set(documentName, pending);
    const text = document.getText("code");
    text.observe((event, transaction) => {
      const origin = transaction.origin;
      if (!isTransactionOrigin(origin) || origin.source !== "connection") return;
      const context = origin.connection.context as CollabContext | undefined;
      if (!context?.user) return;
      this.record(
        pending,
        context.user.id,
        event,
        text,
        this.lastSync.get(origin.connection) === SYNC_STEP_2,
      );
    });
  }

  private record(
    pending: Pending,
    authorId: string,
    event: Y.YTextEvent,
    text: Y.Text,
    catchUp: boolean,
  ): void {
    const now = new Date();
    const isStudent = authorId === pending.studentId;
    const delta = event.delta as { insert?: unknown; delete?: number; retain?: number }[];
    const counted = isStudent
      ? pending.tally.count(
          { delta, catchUp, textAfter: () => text.toString(), deletedText: () => deletedText(event, text) },
          now.getTime(),
        )
      : {
          typed: delta.reduce((n, s) => n + (typeof s.insert === "string" ? s.insert.length : 0), 0),
          deleted: delta.reduce((n, s) => n + (s.delete ?? 0), 0),
          pastes: [],
        };
    for (const length of counted.pastes) {
      pending.pastes.push({
        session_id: pending.sessionId,
        student_id: pending.studentId,
        author_id: authorId,
        kind: "paste",
        at: now,
        changes: 1,
        inserted: length,
        deleted: 0,
      });
    }
    if (counted.typed === 0 && counted.deleted === 0) return;
    const tally = pending.typing.get(authorId) ?? emptyTally();
    // A change that was only a paste is counted by its paste row.
    tally.changes += 1;
    tally.inserted += counted.typed;
    tally.deleted += counted.deleted;
    tally.at = now;
    pending.typing.set(authorId, tally);
    if (isStudent) pending.dirtyProvenance = true;
  }

  /** With each debounced store (not awaited by it: see Persistence.onStoreDocument). */
  async onStoreDocument({ documentName }: onStoreDocumentPayload): Promise<void> {
    if (this.closed) return;
    this.flushes.request(documentName, () => (this.closed ? Promise.resolve() : this.flush(documentName)));
  }

  async afterUnloadDocument({ documentName }: { documentName: string }): Promise<void> {
    const pending = this.pending.get(documentName);
    await this.flushes.idle(documentName);
    await this.flush(documentName).catch((err: unknown) =>
      this.ctx.log.warn({ err, documentName }, "recording edits failed"),
    );
    // Loaded again while the flush waited for the database: the new load's records stay.
    if (this.pending.get(documentName) === pending) this.pending.delete(documentName);
  }

  /** Forgets a document whose session was deleted. */
  discard(documentName: string): void {
    this.pending.delete(documentName);
  }

  /** Writes every document's pending edits (graceful shutdown). */
  async flushAll(): Promise<void> {
    this.closed = true;
    // Writes waiting for an unreachable database get one bounded last attempt.
    endWriteRetries(this.ctx.db, LAST_ATTEMPT_MS);
    const results = await Promise.allSettled([
      ...this.inFlight,
      ...[...this.pending.keys()].map((name) => this.flush(name)),
    ]);
    for (const result of results)
      if (result.status === "rejected") this.ctx.log.error({ err: result.reason }, "recording edits failed");
  }

  /** Writes a document's pending edits (tracked until written, for the shutdown). */
  private flush(documentName: string): Promise<void> {
    const flushing = this.write(documentName).finally(() => this.inFlight.delete(flushing));
    this.inFlight.add(flushing);
    return flushing;
  }

  /**
   * Writes a document's pending edits, retried with backoff while the database is unreachable
   * (storage/retry-write.ts); edits made meanwhile wait for the next save. Only a write the
   * database refused, or the shutdown's last attempt, gives them back to the next save.
   */
  private async write(documentName: string): Promise<void> {
    const pending = this.pending.get(documentName);
    if (!pending || (pending.typing.size === 0 && pending.pastes.length === 0)) return;
    const rows: NewEditEvent[] = [...pending.pastes];
    for (const [authorId, tally] of pending.typing) {
      rows.push({
        session_id: pending.sessionId,
        student_id: pending.studentId,
        author_id: authorId,
        kind: authorId === pending.studentId ? "edit" : "teacher_edit",
        at: tally.at,
        changes: tally.changes,
        inserted: tally.inserted,
        deleted: tally.deleted,
      });
    }
    const pasted = pending.pastes.length > 0;
    pending.pastes = [];
    pending.typing = new Map();
    try {
      await retryWrite(
        this.ctx.db,
        `recording the edits of ${documentName}`,
        () => insertEditEvents(this.ctx.db, rows),
        this.ctx.log,
      );
    } catch (err) {
      // Kept for the next save.
      pending.pastes.push(...rows.filter((r) => r.kind === "paste"));
      for (const row of rows) if (row.kind !== "paste") this.mergeBack(pending, row);
      throw err;
    }
    const due = Date.now() - pending.lastProvenance >= PROVENANCE_EVERY_MS;
    // The records are written: a failing announcement is told, not a failed save.
    if (pasted || (pending.dirtyProvenance && due))
      await this.announce(pending).catch((err: unknown) =>
        this.ctx.log.warn({ err, documentName }, "announcing provenance failed"),
      );
  }

  private mergeBack(pending: Pending, row: NewEditEvent): void {
    const authorId = row.author_id as string;
    const tally = pending.typing.get(authorId) ?? { ...emptyTally(), at: row.at as Date };
    tally.changes += row.changes ?? 0;
    tally.inserted += row.inserted ?? 0;
    tally.deleted += row.deleted ?? 0;
    pending.typing.set(authorId, tally);
  }

  /** Tells the session's teachers the student's paste share, from every instance's records. */
  private async announce(pending: Pending): Promise<void> {
    pending.lastProvenance = Date.now();
    pending.dirtyProvenance = false;
    const provenance = (await provenanceOfSession(this.ctx.db, pending.sessionId, pending.studentId)).get(
      pending.studentId,
    ) ?? { typedChars: 0, pastedChars: 0 };
    await publishSessionEvent(this.ctx.bus, pending.sessionId, {
      type: "provenance",
      userId: pending.studentId,
      ...provenance,
    });
  }
}

/**
 * The characters a change deleted: the text's items the change deleted, in order (Yjs keeps
 * their content until the transaction's end; Y.Text events do not list them). Read by shape:
 * Hocuspocus' copy of Yjs may not be ours, so `instanceof` cannot tell content kinds apart.
 */
function deletedText(event: Y.YTextEvent, text: Y.Text): string {
  let deleted = "";
  for (let item = text._start; item !== null; item = item.right) {
    if (!item.deleted || !event.deletes(item)) continue;
    const content = item.content as { str?: unknown };
    if (typeof content.str === "string") deleted += content.str;
  }
  return deleted;
}
