import { sql } from "kysely";
import type { Db } from "./database.ts";

/** A stored student document: its Yjs state and when its code last changed. */
export interface StoredDocument {
  state: Uint8Array;
  lastEditAt: Date | null;
}

const toBytes = (value: Uint8Array) => Buffer.from(value.buffer, value.byteOffset, value.byteLength);

export async function loadDocument(db: Db, name: string): Promise<StoredDocument | undefined> {
  const row = await db
    .selectFrom("documents")
    .select(["state", "last_edit_at"])
    .where("name", "=", name)
    .executeTakeFirst();
  return row ? { state: new Uint8Array(row.state), lastEditAt: row.last_edit_at } : undefined;
}

/**
 * Stores a document's first state unless another connection or server instance stored one
 * first; the first state is also the first entry of its history. Returns what is stored.
 */
export async function createDocumentOnce(
  db: Db,
  props: { name: string; sessionId: string; studentId: string; state: Uint8Array },
): Promise<StoredDocument> {
  await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("documents")
      .values({
        name: props.name,
        session_id: props.sessionId,
        student_id: props.studentId,
        state: toBytes(props.state),
      })
      .onConflict((oc) => oc.column("name").doNothing())
      .returning("name")
      .executeTakeFirst();
    if (inserted) {
      await trx
        .insertInto("document_updates")
        .values({ document_name: props.name, update: toBytes(props.state) })
        .execute();
    }
  });
  const stored = await loadDocument(db, props.name);
  if (!stored) throw new Error(`document ${props.name} vanished after creation`);
  return stored;
}

/** Saves the whole state and appends the changes since the last save to the history. */
export async function saveDocument(
  db: Db,
  props: { name: string; state: Uint8Array; changes: Uint8Array | null; lastEditAt: Date | null },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("documents")
      .set({
        state: toBytes(props.state),
        updated_at: sql`now()`,
        ...(props.lastEditAt ? { last_edit_at: props.lastEditAt } : {}),
      })
      .where("name", "=", props.name)
      .execute();
    if (props.changes) {
      await trx
        .insertInto("document_updates")
        .values({ document_name: props.name, update: toBytes(props.changes) })
        .execute();
    }
  });
}

/** When each student of a session last edited their code. */
export async function lastEdits(db: Db, sessionId: string): Promise<Map<string, Date>> {
  const rows = await db
    .selectFrom("documents")
    .select(["student_id", "last_edit_at"])
    .where("session_id", "=", sessionId)
    .where("last_edit_at", "is not", null)
    .execute();
  return new Map(rows.map((r) => [r.student_id, r.last_edit_at as Date]));
}
