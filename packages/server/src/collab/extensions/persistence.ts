import {
  type Extension,
  isTransactionOrigin,
  type onChangePayload,
  type onLoadDocumentPayload,
  type onStoreDocumentPayload,
} from "@hocuspocus/server";
import { parseDocumentName, type StorageNotice } from "@observer/protocol";
import * as Y from "yjs";
import type { Ctx } from "../../context.ts";
import {
  createDocumentOnce,
  type HistoryRowRef,
  loadDocument,
  saveDocument,
} from "../../storage/documents.ts";
import { endWriteRetries, isUnreachable, LAST_ATTEMPT_MS, retryWrite } from "../../storage/retry-write.ts";
import { quotaMessage } from "../../storage/student-quota.ts";
import { initialDocumentState } from "../initial-state.ts";
import { WriteCoalescer } from "../write-coalescer.ts";

/** Least time between two routine compactions of a document's history, and between two quota notices. */
const COMPACT_EVERY_MS = 60_000;
const NOTICE_EVERY_MS = 60_000;

/** Where a loaded document's history stands. */
interface HistoryCursor {
  /** Whose storage quota the history counts against (the student; the teacher for the broadcast). */
  owner: { sessionId: string; userId: string };
  /** State vector of the document as its history (this instance's rows) holds it. */
  sv: Uint8Array;
  /** Over the quota: the row further changes are folded into, and the state vector before it. */
  fold: { row: HistoryRowRef; svBefore: Uint8Array } | null;
  lastCompaction: number;
  lastNotice: number;
}

/**
 * Keeps each document of a session (a student's, the broadcast) in the database: loaded on open
 * (created once from the session's language and starter code, race-free across tabs and
 * instances), saved about a second after a change (Hocuspocus' debounce) and on unload or
 * shutdown, with the changes since the last save appended to the document's history as one row
 * (the document's own garbage-collected update since the last row: text typed and deleted in
 * between is not kept). The history is compacted into coarser rows as it ages, and kept within
 * its owner's storage quota (storage/student-quota.ts; the broadcast's owner is the session's
 * teacher): over it, changes are folded into the last row and the document's connections are
 * told with a stateless message; the current state is saved whatever the quota. A save that
 * finds the database unreachable (PostgreSQL restarting) is retried with backoff until it is
 * back, the document kept in memory meanwhile: nothing typed during an outage is lost.
 */
export class Persistence implements Extension {
  extensionName = "observer-persistence";
  priority = 500;
  /** Documents changed here since their last save. */
  private readonly pending = new Set<string>();
  private readonly cursors = new Map<string, HistoryCursor>();
  private readonly lastEdit = new Map<string, Date>();
  /** Set once the final save at shutdown is done: later debounced saves have nothing to add. */
  private closed = false;
  /** Saves under way, awaited at shutdown so none outlives the database. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Documents of deleted sessions, never saved again. */
  private readonly discarded = new Set<string>();
  /**
   * The debounced saves: one at a time per document and at most one waiting, so that a
   * database falling behind makes saves rarer, not a queue that grows (write-coalescer.ts).
   */
  readonly saves: WriteCoalescer;

  constructor(private readonly ctx: Ctx) {
    this.saves = new WriteCoalescer((documentName, err) =>
      ctx.log.error({ err, documentName }, "saving a document failed; it is kept in memory and saved again"),
    );
  }

  async onLoadDocument({ documentName, document }: onLoadDocumentPayload): Promise<void> {
    const address = parseDocumentName(documentName);
    if (!address) throw new Error(`not a session document: ${documentName}`);
    let stored = await loadDocument(this.ctx.db, documentName);
    if (!stored) {
      const session = await this.ctx.db
        .selectFrom("sessions")
        .select(["language", "starter_code", "teacher_id"])
        .where("id", "=", address.sessionId)
        .executeTakeFirstOrThrow();
      stored = await createDocumentOnce(this.ctx.db, {
        name: documentName,
        sessionId: address.sessionId,
        // The broadcast is stored as the teacher's: its history counts against their storage.
        studentId: address.kind === "student" ? address.studentId : session.teacher_id,
        state: initialDocumentState({ language: session.language, starterCode: session.starter_code }),
      });
    }
    Y.applyUpdate(document, stored.state);
    this.cursors.set(documentName, {
      owner: { sessionId: address.sessionId, userId: stored.ownerId },
      sv: Y.encodeStateVector(document),
      fold: null,
      lastCompaction: Date.now(),
      lastNotice: 0,
    });
  }

  async onChange({ documentName, transactionOrigin }: onChangePayload): Promise<void> {
    // Updates relayed from another instance are in that instance's history already.
    if (isTransactionOrigin(transactionOrigin) && transactionOrigin.source === "redis") return;
    this.pending.add(documentName);
    this.lastEdit.set(documentName, new Date());
  }

  /**
   * Hocuspocus' debounced store: the save is handed to the coalescer and not awaited here, so
   * that Hocuspocus' own queue of stores (one per debounced change, run in turn) drains at once.
   * Unloading waits for it (beforeUnloadDocument), and so does the shutdown.
   */
  async onStoreDocument({ documentName, document }: onStoreDocumentPayload): Promise<void> {
    if (this.closed) return;
    this.saves.request(documentName, () =>
      this.closed ? Promise.resolve() : this.save(documentName, document),
    );
  }

  /**
   * A document about to leave memory: its save under way (and the one waiting) end first; if
   * its last change is still unsaved (a save failed), one more is tried, and if that fails too
   * the unload is refused, so the document stays in memory with its changes.
   */
  async beforeUnloadDocument({ documentName, document }: { documentName: string; document: Y.Doc }) {
    await this.saves.idle(documentName);
    if (this.closed || this.discarded.has(documentName) || !this.pending.has(documentName)) return;
    await this.save(documentName, document);
  }

  /** Saves every given document now and stops saving (graceful shutdown). */
  async saveAllAndClose(documents: Iterable<[string, Y.Doc]>): Promise<void> {
    // From now on the debounced hook saves nothing; this final save and those already under way finish.
    this.closed = true;
    // Writes waiting for an unreachable database (documents, edits, runs) get one bounded last attempt.
    endWriteRetries(this.ctx.db, LAST_ATTEMPT_MS);
    const results = await Promise.allSettled([
      ...this.inFlight,
      ...[...documents].map(([name, doc]) => this.save(name, doc)),
    ]);
    for (const result of results) {
      if (result.status === "rejected")
        this.ctx.log.error({ err: result.reason }, "saving a document at shutdown failed");
    }
  }

  /** Forgets a document whose session was deleted: nothing of it is saved any more. */
  discard(documentName: string): void {
    this.pending.delete(documentName);
    this.cursors.delete(documentName);
    this.lastEdit.delete(documentName);
    this.discarded.add(documentName);
  }

  /** Saves one document now (also used at shutdown). */
  save(documentName: string, document: Y.Doc): Promise<void> {
    const saving = this.write(documentName, document).finally(() => this.inFlight.delete(saving));
    this.inFlight.add(saving);
    return saving;
  }

  /**
   * Saves a document, retried with backoff while the database is unreachable (storage/retry-write.ts):
   * the document stays in memory meanwhile (Hocuspocus does not unload it while its save runs),
   * and each attempt saves its state as it is then, typing during the outage included.
   */
  private async write(documentName: string, document: Y.Doc): Promise<void> {
    if (this.discarded.has(documentName)) return;
    await retryWrite(
      this.ctx.db,
      `saving ${documentName}`,
      () => this.attempt(documentName, document),
      this.ctx.log,
    );
    const cursor = this.cursors.get(documentName);
    if (cursor && !this.closed && Date.now() - cursor.lastCompaction >= COMPACT_EVERY_MS) {
      cursor.lastCompaction = Date.now();
      const compacting = this.ctx.storage
        .compactRoutinely(documentName)
        .then(() => undefined)
        .catch((err: unknown) => this.ctx.log.warn({ err, documentName }, "history compaction failed"))
        .finally(() => this.inFlight.delete(compacting));
      this.inFlight.add(compacting);
    }
  }

  /** One attempt at saving a document: its state and the history row of its changes since the last save. */
  private async attempt(documentName: string, document: Y.Doc): Promise<void> {
    // The session was deleted while the save waited for the database.
    if (this.discarded.has(documentName)) return;
    const changed = this.pending.delete(documentName);
    const lastEditAt = this.lastEdit.get(documentName) ?? null;
    const cursor = this.cursors.get(documentName);
    // Encoded at once, so that what is saved and the cursor's state vector agree.
    const state = Y.encodeStateAsUpdate(document);
    const sv = Y.encodeStateVector(document);
    let changes = changed ? (cursor ? Y.encodeStateAsUpdate(document, cursor.sv) : state) : null;
    const fold = cursor?.fold ?? null;
    const folded = changed && fold ? Y.encodeStateAsUpdate(document, fold.svBefore) : null;
    let foldInto: HistoryRowRef | null = null;
    try {
      let fits = true;
      if (changes && cursor) {
        // The quota never stands between the student and their saved code: a failing check saves as usual.
        fits = await this.ctx.storage
          .makeRoom("history", cursor.owner.sessionId, cursor.owner.userId, changes.byteLength)
          .catch((err: unknown) => {
            // The database is out: the save would fail too, and is retried whole.
            if (isUnreachable(err)) throw err;
            this.ctx.log.warn({ err, documentName }, "storage quota check failed");
            return true;
          });
        if (!fits) {
          this.notify(documentName, document, cursor);
          if (fold && folded) {
            foldInto = fold.row;
            changes = folded;
          }
        }
      }
      const row = await saveDocument(this.ctx.db, {
        name: documentName,
        state,
        changes,
        lastEditAt,
        foldInto,
      });
      if (row && cursor) {
        // Over the quota, the row just written takes the next changes too.
        if (fits) cursor.fold = null;
        else cursor.fold = { row, svBefore: fold && foldInto ? fold.svBefore : cursor.sv };
        cursor.sv = sv;
      }
    } catch (err) {
      // Keep the changes for the next attempt; the state is re-encoded then.
      if (changed) this.pending.add(documentName);
      throw err;
    }
  }

  /** Tells the document's connections (at most once a minute) that the student's storage is full. */
  private notify(documentName: string, document: Y.Doc, cursor: HistoryCursor | undefined): void {
    if (cursor && Date.now() - cursor.lastNotice < NOTICE_EVERY_MS) return;
    if (cursor) cursor.lastNotice = Date.now();
    const notice: StorageNotice = {
      type: "storage_quota",
      message: quotaMessage(this.ctx.storage.quotaBytes),
    };
    const target = document as Y.Doc & { broadcastStateless?: (payload: string) => void };
    target.broadcastStateless?.(JSON.stringify(notice));
    this.ctx.log.info({ documentName }, "student storage quota reached");
  }

  async afterUnloadDocument({ documentName }: { documentName: string }): Promise<void> {
    this.discarded.delete(documentName);
    this.lastEdit.delete(documentName);
    const owner = this.cursors.get(documentName)?.owner;
    this.cursors.delete(documentName);
    if (owner) this.ctx.storage.forget(owner.sessionId, owner.userId);
  }
}
