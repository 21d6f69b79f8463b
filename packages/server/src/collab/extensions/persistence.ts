import {
  type Extension,
  isTransactionOrigin,
  type onChangePayload,
  type onLoadDocumentPayload,
  type onStoreDocumentPayload,
} from "@hocuspocus/server";
import { parseStudentDocumentName } from "@observer/protocol";
import * as Y from "yjs";
import type { Ctx } from "../../context.ts";
import { createDocumentOnce, loadDocument, saveDocument } from "../../storage/documents.ts";
import { initialDocumentState } from "../initial-state.ts";

/**
 * Keeps each student document in the database: loaded on open (created once from the
 * session's starter code, race-free across tabs and instances), saved about a second after a
 * change (Hocuspocus' debounce) and on unload or shutdown, with the changes since the last
 * save appended to the document's history.
 */
export class Persistence implements Extension {
  extensionName = "observer-persistence";
  priority = 500;
  /** Changes not yet in the history, per document. */
  private readonly pending = new Map<string, Uint8Array[]>();
  private readonly lastEdit = new Map<string, Date>();
  /** Set once the final save at shutdown is done: later debounced saves have nothing to add. */
  private closed = false;
  /** Saves under way, awaited at shutdown so none outlives the database. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly ctx: Ctx) {}

  async onLoadDocument({ documentName, document }: onLoadDocumentPayload): Promise<void> {
    const names = parseStudentDocumentName(documentName);
    if (!names) throw new Error(`not a student document: ${documentName}`);
    let stored = await loadDocument(this.ctx.db, documentName);
    if (!stored) {
      const session = await this.ctx.db
        .selectFrom("sessions")
        .select(["language", "starter_code"])
        .where("id", "=", names.sessionId)
        .executeTakeFirstOrThrow();
      stored = await createDocumentOnce(this.ctx.db, {
        name: documentName,
        sessionId: names.sessionId,
        studentId: names.studentId,
        state: initialDocumentState({ language: session.language, starterCode: session.starter_code }),
      });
    }
    Y.applyUpdate(document, stored.state);
  }

  async onChange({ documentName, update, transactionOrigin }: onChangePayload): Promise<void> {
    // Updates relayed from another instance are in that instance's history already.
    if (isTransactionOrigin(transactionOrigin) && transactionOrigin.source === "redis") return;
    let list = this.pending.get(documentName);
    if (!list) {
      list = [];
      this.pending.set(documentName, list);
    }
    list.push(update);
    this.lastEdit.set(documentName, new Date());
  }

  async onStoreDocument({ documentName, document }: onStoreDocumentPayload): Promise<void> {
    if (this.closed) return;
    await this.save(documentName, document);
  }

  /** Saves every given document now and stops saving (graceful shutdown). */
  async saveAllAndClose(documents: Iterable<[string, Y.Doc]>): Promise<void> {
    // From now on the debounced hook saves nothing; this final save and those already under way finish.
    this.closed = true;
    const results = await Promise.allSettled([
      ...this.inFlight,
      ...[...documents].map(([name, doc]) => this.save(name, doc)),
    ]);
    for (const result of results) {
      if (result.status === "rejected")
        this.ctx.log.error({ err: result.reason }, "saving a document at shutdown failed");
    }
  }

  /** Saves one document now (also used at shutdown). */
  save(documentName: string, document: Y.Doc): Promise<void> {
    const saving = this.write(documentName, document).finally(() => this.inFlight.delete(saving));
    this.inFlight.add(saving);
    return saving;
  }

  private async write(documentName: string, document: Y.Doc): Promise<void> {
    const changes = this.pending.get(documentName) ?? [];
    this.pending.delete(documentName);
    const lastEditAt = this.lastEdit.get(documentName) ?? null;
    try {
      await saveDocument(this.ctx.db, {
        name: documentName,
        state: Y.encodeStateAsUpdate(document),
        changes: changes.length ? Y.mergeUpdates(changes) : null,
        lastEditAt,
      });
    } catch (err) {
      // Keep the changes for the next attempt; the state is re-encoded then.
      this.pending.set(documentName, [...changes, ...(this.pending.get(documentName) ?? [])]);
      throw err;
    }
  }

  async afterUnloadDocument({ documentName }: { documentName: string }): Promise<void> {
    this.lastEdit.delete(documentName);
  }
}
