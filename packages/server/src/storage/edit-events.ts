import type { Provenance } from "@observer/protocol";
import type { Insertable } from "kysely";
import { sql } from "kysely";
import type { Db } from "./database.ts";
import type { EditEventRow, EditEventsTable } from "./schema.ts";

export type NewEditEvent = Insertable<EditEventsTable>;

/** Records what the saved changes of student documents were (see migrations/009_edit_events.sql). */
export async function insertEditEvents(db: Db, rows: readonly NewEditEvent[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto("edit_events")
    .values([...rows])
    .execute();
}

/** A student's edit events in a session, oldest first. */
export function editEventsOf(db: Db, sessionId: string, studentId: string): Promise<EditEventRow[]> {
  return db
    .selectFrom("edit_events")
    .selectAll()
    .where("session_id", "=", sessionId)
    .where("student_id", "=", studentId)
    .orderBy("at")
    .orderBy("id")
    .execute();
}

/** How many characters each student of a session typed and pasted (every student, or one). */
export async function provenanceOfSession(
  db: Db,
  sessionId: string,
  studentId?: string,
): Promise<Map<string, Provenance>> {
  let query = db
    .selectFrom("edit_events")
    .select([
      "student_id",
      sql<string>`coalesce(sum(inserted) filter (where kind = 'edit'), 0)`.as("typed"),
      sql<string>`coalesce(sum(inserted) filter (where kind = 'paste'), 0)`.as("pasted"),
    ])
    .where("session_id", "=", sessionId)
    .groupBy("student_id");
  if (studentId) query = query.where("student_id", "=", studentId);
  const rows = await query.execute();
  return new Map(
    rows.map((r) => [r.student_id, { typedChars: Number(r.typed), pastedChars: Number(r.pasted) }]),
  );
}
