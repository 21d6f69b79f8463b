import { randomUUID } from "node:crypto";
import { studentDocumentName } from "@observer/protocol";
import { sql } from "kysely";
import * as Y from "yjs";
import type { Db } from "../../packages/server/src/storage/database.ts";
import { insertEditEvents, type NewEditEvent } from "../../packages/server/src/storage/edit-events.ts";
import { finishRun, insertRun } from "../../packages/server/src/storage/runs.ts";

/** The busy student of the issue: 5 characters a second, a paste every 10 minutes, a run every 2 minutes. */
export const BUSY = { charsPerSecond: 5, pasteEveryS: 600, runEveryS: 120, saveEveryS: 2, pasteChars: 400 };

const toBytes = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

const PASTE = "def helper(values):\n    return [v * 2 for v in values if v % 3 == 0]\n";

/**
 * Writes `hours` of a busy student's work into the database the way the server records it, at
 * synthetic times ending now: the document's history (a row per 2 s save: the document's
 * garbage-collected update since the last), its edit records (typing per save, each paste), and
 * the runs (one in three failing). Returns the code at the end.
 */
export async function writeBusyHistory(
  db: Db,
  props: { sessionId: string; studentId: string; hours: number; end?: Date },
): Promise<{ code: string; historyRows: number; runs: number; pastes: number }> {
  const name = studentDocumentName(props.sessionId, props.studentId);
  const totalS = Math.round(props.hours * 3600);
  const end = props.end ?? new Date();
  const start = end.getTime() - totalS * 1000;
  const doc = new Y.Doc();
  const text = doc.getText("code");
  doc.getMap("meta").set("language", "python");
  await db
    .insertInto("documents")
    .values({
      name,
      session_id: props.sessionId,
      student_id: props.studentId,
      state: toBytes(Y.encodeStateAsUpdate(doc)),
    })
    .execute();
  let sv = Y.encodeStateVector(new Y.Doc());
  const rows: { document_name: string; update: Buffer; created_at: Date; first_at: Date }[] = [];
  const events: NewEditEvent[] = [];
  let typed = 0;
  let window = { changes: 0, inserted: 0, deleted: 0 };
  let runs = 0;
  let pastes = 0;
  const flushRows = async () => {
    if (rows.length) await db.insertInto("document_updates").values(rows.splice(0)).execute();
    if (events.length) await insertEditEvents(db, events.splice(0));
  };
  for (let second = 1; second <= totalS; second++) {
    const at = new Date(start + second * 1000);
    for (let k = 0; k < BUSY.charsPerSecond; k++) {
      typed += 1;
      if (typed % 97 === 0 && text.length > 0) {
        text.delete(text.length - 1, 1);
        window.deleted += 1;
      } else {
        text.insert(text.length, typed % 40 === 0 ? "\n" : String.fromCharCode(97 + (typed % 26)));
        window.inserted += 1;
      }
      window.changes += 1;
    }
    if (second % BUSY.pasteEveryS === 0) {
      const block = PASTE.repeat(Math.ceil(BUSY.pasteChars / PASTE.length)).slice(0, BUSY.pasteChars);
      text.insert(text.length, block);
      pastes += 1;
      events.push({
        session_id: props.sessionId,
        student_id: props.studentId,
        author_id: props.studentId,
        kind: "paste",
        at,
        changes: 1,
        inserted: block.length,
        deleted: 0,
      });
    }
    if (second % BUSY.saveEveryS === 0) {
      rows.push({
        document_name: name,
        update: toBytes(Y.encodeStateAsUpdate(doc, sv)),
        created_at: at,
        first_at: at,
      });
      sv = Y.encodeStateVector(doc);
      events.push({
        session_id: props.sessionId,
        student_id: props.studentId,
        author_id: props.studentId,
        kind: "edit",
        at,
        ...window,
      });
      window = { changes: 0, inserted: 0, deleted: 0 };
      if (rows.length >= 500) await flushRows();
    }
    if (second % BUSY.runEveryS === 0) {
      runs += 1;
      const id = randomUUID();
      await insertRun(db, {
        id,
        sessionId: props.sessionId,
        userId: props.studentId,
        startedBy: props.studentId,
        language: "python",
        codeHash: "0".repeat(64),
      });
      const fails = runs % 3 === 0;
      await finishRun(
        db,
        id,
        {
          exit_code: fails ? 1 : 0,
          signal: null,
          timed_out: false,
          output_truncated: false,
          duration_ms: 40,
          killed_for: null,
          phase: "run",
          cpu_time_limit_ms: null,
        },
        fails ? "Traceback (most recent call last):\n  ZeroDivisionError: division by zero\n" : "42\n",
        "finished",
        at,
      );
      await sql`update runs set queued_at = ${at} where id = ${id}`.execute(db);
    }
  }
  await flushRows();
  await db
    .updateTable("documents")
    .set({ state: toBytes(Y.encodeStateAsUpdate(doc)) })
    .where("name", "=", name)
    .execute();
  const code = text.toString();
  doc.destroy();
  return { code, historyRows: totalS / BUSY.saveEveryS, runs, pastes };
}
