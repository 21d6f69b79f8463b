import * as Y from "yjs";

/** Map of the document that holds who wrote what (`Y.PermanentUserData`). */
export const USERS_MAP = "users";

/**
 * Who wrote and deleted what in a document, kept in the document itself with
 * `Y.PermanentUserData` (map "users"), so every client can attribute every change.
 *
 * Invariants:
 * - This client's clientID is mapped to `userId` in the same transaction as its first local
 *   edit with one of `origins`, never before: opening or viewing a document writes nothing
 *   (a read-only document stays untouched, and a teacher's glance is not an edit).
 * - From then on every local transaction that deletes something also records the deletion
 *   under `userId` (PermanentUserData does this a tick after the transaction).
 */
export class Attribution {
  readonly users: Y.PermanentUserData;
  private claimed = false;

  constructor(
    readonly doc: Y.Doc,
    private readonly userId: string,
    private readonly origins: ReadonlySet<unknown>,
  ) {
    this.users = new Y.PermanentUserData(doc, doc.getMap(USERS_MAP));
    doc.on("beforeTransaction", this.beforeTransaction);
  }

  private readonly beforeTransaction = (transaction: Y.Transaction): void => {
    if (this.claimed || !transaction.local || !this.origins.has(transaction.origin)) return;
    this.claimed = true;
    // Joins the transaction that is starting, so the mapping travels with the first edit.
    this.users.setUserMapping(this.doc, this.doc.clientID, this.userId);
  };

  /** The user who owns the structs of `clientId`, or null if not (yet) known. */
  userOfClient(clientId: number): string | null {
    return this.users.getUserByClientId(clientId) as string | null;
  }

  /** The user who deleted the struct `id`, or null if not (yet) known. */
  deleterOf(id: Y.ID): string | null {
    return this.users.getUserByDeletedId(id) as string | null;
  }

  dispose(): void {
    this.doc.off("beforeTransaction", this.beforeTransaction);
  }
}
