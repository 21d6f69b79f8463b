import { broadcastDocumentName } from "@observer/protocol";
import { sql } from "kysely";
import type { Db } from "./database.ts";

/**
 * A stored document: its Yjs state, when its code last changed, and whose storage it counts
 * against (`student_id`: the student of a student's document, the session's teacher for its
 * broadcast).
 */
export interface StoredDocument {
  state: Uint8Array;
  lastEditAt: Date | null;
  ownerId: string;
}

const toBytes = (value: Uint8Array) => Buffer.from(value.buffer, value.byteOffset, value.byteLength);

export async function loadDocument(db: Db, name: string): Promise<StoredDocument | undefined> {
  const row = await db
    .selectFrom("documents")
    .select(["state", "last_edit_at", "student_id"])
    .where("name", "=", name)
    .executeTakeFirst();
  return row
    ? { state: new Uint8Array(row.state), lastEditAt: row.last_edit_at, ownerId: row.student_id }
    : undefined;
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

/** A history row as the saver knows it: its id, and when its earliest save was made. */
export interface HistoryRowRef {
  id: string;
  firstAt: Date;
}

/**
 * Saves the whole state and records the changes since the last save in the history: as a new
 * row, or, with `foldInto`, in place of that row (which must then hold every change since the
 * state before it: the history of a student over their quota, see storage/student-quota.ts).
 * Returns the history row written, or null when there were no changes.
 */
export async function saveDocument(
  db: Db,
  props: {
    name: string;
    state: Uint8Array;
    changes: Uint8Array | null;
    lastEditAt: Date | null;
    foldInto?: HistoryRowRef | null;
  },
): Promise<HistoryRowRef | null> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable("documents")
      .set({
        state: toBytes(props.state),
        updated_at: sql`now()`,
        // Kept as it is when there was no edit (undefined columns are left out).
        last_edit_at: props.lastEditAt ?? undefined,
      })
      .where("name", "=", props.name)
      .execute();
    if (!props.changes) return null;
    if (props.foldInto) {
      const folded = await trx
        .updateTable("document_updates")
        .set((eb) => ({
          update: toBytes(props.changes as Uint8Array),
          created_at: sql`now()`,
          merged_saves: eb(eb.ref("merged_saves"), "+", 1),
        }))
        .where("id", "=", props.foldInto.id)
        .where("document_name", "=", props.name)
        // Compacted meanwhile (merged with rows before it: its first_at moved): append instead.
        .where(sql`date_trunc('milliseconds', first_at)`, "=", props.foldInto.firstAt)
        .returning(["id", "first_at as firstAt"])
        .executeTakeFirst();
      if (folded) return folded;
    }
    return trx
      .insertInto("document_updates")
      .values({ document_name: props.name, update: toBytes(props.changes) })
      .returning(["id", "first_at as firstAt"])
      .executeTakeFirstOrThrow();
  });
}

/** When each student of a session last edited their code (the teacher's broadcast is not theirs). */
export async function lastEdits(db: Db, sessionId: string): Promise<Map<string, Date>> {
  const rows = await db
    .selectFrom("documents")
    .select(["student_id", "last_edit_at"])
    .where("session_id", "=", sessionId)
    .where("name", "<>", broadcastDocumentName(sessionId))
    .where("last_edit_at", "is not", null)
    .execute();
  return new Map(rows.map((r) => [r.student_id, r.last_edit_at as Date]));
}
