import {
  type afterUnloadDocumentPayload,
  type beforeSyncPayload,
  type Connection,
  type Document,
  type Extension,
  OutgoingMessage,
} from "@hocuspocus/server";
import { type EditingLockedNotice, type EditingMode, parseDocumentName } from "@observer/protocol";
import * as Y from "yjs";
import { mayEditUnderControls } from "../../auth/policies.ts";
import type { CollabContext } from "../context.ts";

/** Yjs sync message types that carry changes: sync step 2 and update. */
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

const NOTICE: EditingLockedNotice = {
  type: "editing_locked",
  message:
    "Your teacher has locked editing: this change was not saved. You can edit again once they unlock it.",
};

/** A broadcast connection writes only as whoever manages the session, and not once the session ended. */
const broadcastReadOnly = (context: CollabContext) => context.sessionReadOnly || !context.asTeacher;

/**
 * The teacher's lock on editing (a session's `editing: "locked"`): each student's own
 * connection to their document turns read-only, so Hocuspocus answers their changes "not
 * applied" and drops them; the teacher's and admins' connections still edit. It is decided
 * before every sync message, from what this instance knows of the session: the row read when the
 * connection was authorized, or a change heard on the bus since (a PATCH on any instance;
 * `changed`), whichever is newer. So a lock binds connections already open, on every instance.
 * A student whose change was refused is told once per lock (stateless `editing_locked`); when
 * editing opens again, those connections get the server's state vector (sync step 1) so that
 * the client sends what was refused and its later edits apply. The lock does not bind the
 * session's broadcast: a connection to it is read-only as Authentication decided (a student's
 * always, the teacher's once the session ended), whatever the lock does.
 */
export class EditingLock implements Extension {
  extensionName = "observer-editing-lock";
  // Before the size limits: a locked student's change is refused as such.
  priority = 200;
  /** Per session, the last change heard on the bus and when (Date.now() ms). */
  private readonly heard = new Map<string, { editing: EditingMode; at: number }>();
  /** Student connections that had a change refused under the current lock. */
  private readonly refused = new WeakSet<Connection>();

  async beforeSync({ connection, context, document, type, payload }: beforeSyncPayload): Promise<void> {
    const ctx = context as CollabContext | undefined;
    if (!ctx?.sessionId) return;
    if (ctx.kind === "broadcast") {
      connection.readOnly = broadcastReadOnly(ctx);
      return;
    }
    const locked = this.lockedFor(ctx);
    connection.readOnly = ctx.sessionReadOnly || locked;
    if (!locked || ctx.sessionReadOnly || this.refused.has(connection)) return;
    // Hocuspocus refuses an update, and a sync step 2 with anything the document lacks (a
    // handshake's step 2 with nothing new is acknowledged).
    const refused =
      type === SYNC_UPDATE ||
      (type === SYNC_STEP_2 && !Y.snapshotContainsUpdate(Y.snapshot(document), payload));
    if (!refused) return;
    this.refused.add(connection);
    connection.sendStateless(JSON.stringify(NOTICE));
  }

  /** Whether this connection is bound by the lock now. */
  private lockedFor(context: CollabContext): boolean {
    const heard = this.heard.get(context.sessionId);
    // A change heard after the connection's rights were read is at least as new as that read.
    const editing = heard && heard.at >= context.checkedAt ? heard.editing : context.editing;
    return !mayEditUnderControls(context.asTeacher ? "observe" : "own", editing);
  }

  /**
   * A session's editing was locked or unlocked (heard on the bus): applies it at once to the
   * session's open document connections of this instance.
   */
  changed(sessionId: string, editing: EditingMode, documents: Iterable<Document>): void {
    this.heard.set(sessionId, { editing, at: Date.now() });
    for (const document of documents) {
      if (!document.name.startsWith(`sessions/${sessionId}/`)) continue;
      for (const connection of document.getConnections()) {
        const context = connection.context as CollabContext | undefined;
        if (!context?.sessionId) continue;
        if (context.kind === "broadcast") {
          connection.readOnly = broadcastReadOnly(context);
          continue;
        }
        connection.readOnly = context.sessionReadOnly || this.lockedFor(context);
        if (connection.readOnly || !this.refused.has(connection)) continue;
        // Unlocked: ask for what the server lacks (the refused changes), so later edits apply.
        this.refused.delete(connection);
        connection.send(
          new OutgoingMessage(connection.messageAddress)
            .createSyncMessage()
            .writeFirstSyncStepFor(document)
            .toUint8Array(),
        );
      }
    }
  }

  /** Forgets a session's heard change once none of its documents is open here. */
  async afterUnloadDocument({ instance, documentName }: afterUnloadDocumentPayload): Promise<void> {
    const sessionId = parseDocumentName(documentName)?.sessionId;
    if (!sessionId || !this.heard.has(sessionId)) return;
    for (const name of instance.documents.keys()) if (name.startsWith(`sessions/${sessionId}/`)) return;
    this.heard.delete(sessionId);
  }
}
