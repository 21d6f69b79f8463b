import { isLanguage, type Language, type PlaybackFrame, type TextOp } from "@observer/protocol";
import * as Y from "yjs";
import type { Db } from "../storage/database.ts";

interface HistoryRow {
  created_at: Date;
  update: Uint8Array;
}

function historyRows(db: Db, documentName: string, until?: Date): Promise<HistoryRow[]> {
  let query = db
    .selectFrom("document_updates")
    .select(["created_at", "update"])
    .where("document_name", "=", documentName)
    .orderBy("id");
  if (until) query = query.where("created_at", "<=", until);
  return query.execute();
}

const languageOf = (doc: Y.Doc, fallback: Language): Language => {
  const value = doc.getMap("meta").get("language");
  return isLanguage(value) ? value : fallback;
};

/**
 * The change from one text to the next as one replacement: keep the common start, delete what
 * differs, insert what replaces it (the common end is kept implicitly). Exact, and linear in the
 * texts' length — far cheaper than asking Yjs for each change's delta on a long document.
 */
export function textChange(before: string, after: string): TextOp[] {
  const max = Math.min(before.length, after.length);
  let head = 0;
  while (head < max && before.charCodeAt(head) === after.charCodeAt(head)) head++;
  let tail = 0;
  while (
    tail < max - head &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  )
    tail++;
  const ops: TextOp[] = [];
  if (head > 0) ops.push(head);
  const removed = before.length - head - tail;
  if (removed > 0) ops.push(-removed);
  const inserted = after.slice(head, after.length - tail);
  if (inserted) ops.push(inserted);
  return ops;
}

/**
 * The saved moments of a document (its history rows, in order) as text changes: replayed once
 * into a Yjs document, each row's change to the code taken as one replacement. A row that
 * changes nothing of the code (the language only) still makes a frame, so every saved moment
 * can be shown.
 */
export async function playbackFrames(
  db: Db,
  documentName: string,
  fallback: Language,
): Promise<PlaybackFrame[]> {
  const rows = await historyRows(db, documentName);
  const doc = new Y.Doc({ gc: true });
  const text = doc.getText("code");
  const frames: PlaybackFrame[] = [];
  let language: Language | null = null;
  let code = "";
  try {
    for (const row of rows) {
      Y.applyUpdate(doc, new Uint8Array(row.update));
      const next = text.toString();
      const now = languageOf(doc, fallback);
      const frame: PlaybackFrame = { at: row.created_at.toISOString(), ops: textChange(code, next) };
      if (now !== language) frame.language = now;
      language = now;
      code = next;
      frames.push(frame);
    }
  } finally {
    doc.destroy();
  }
  return frames;
}

/** The code and language as saved at or before `at` (the empty code before the first save). */
export async function codeAt(
  db: Db,
  documentName: string,
  at: Date,
  fallback: Language,
): Promise<{ code: string; language: Language }> {
  const rows = await historyRows(db, documentName, at);
  const doc = new Y.Doc({ gc: true });
  try {
    // One transaction: the rows are applied together, as one change.
    doc.transact(() => {
      for (const row of rows) Y.applyUpdate(doc, new Uint8Array(row.update));
    });
    return { code: doc.getText("code").toString(), language: languageOf(doc, fallback) };
  } finally {
    doc.destroy();
  }
}
