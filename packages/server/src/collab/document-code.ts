import { DOC_CODE, DOC_META, type Language, languageSchema, studentDocumentName } from "@observer/protocol";
import * as Y from "yjs";
import type { Db } from "../storage/database.ts";
import { documentStates } from "../storage/export-reads.ts";
import type { SessionRow } from "../storage/schema.ts";

/** The code of a document and its language. */
export interface DocumentCode {
  code: string;
  language: Language;
}

/** A stored document's code and language (`fallback`, the session's, when the document names none). */
export function documentCode(state: Uint8Array, fallback: Language): DocumentCode {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    const parsed = languageSchema.safeParse(doc.getMap(DOC_META).get("language"));
    return { code: doc.getText(DOC_CODE).toString(), language: parsed.success ? parsed.data : fallback };
  } finally {
    doc.destroy();
  }
}

/**
 * A student's code from their stored document, or — when they never opened it — the starter
 * code they would have got, in the session's language (what the export, the AI and GitHub use).
 */
export function studentCodeOf(
  state: Uint8Array | undefined,
  session: Pick<SessionRow, "language" | "starter_code">,
): DocumentCode {
  return state
    ? documentCode(state, session.language)
    : { code: session.starter_code, language: session.language };
}

/** The saved code of some students of a session, by user id (see `studentCodeOf`). */
export async function studentCodes(
  db: Db,
  session: Pick<SessionRow, "id" | "language" | "starter_code">,
  userIds: readonly string[],
): Promise<Map<string, DocumentCode>> {
  const names = userIds.map((id) => studentDocumentName(session.id, id));
  const states = await documentStates(db, names);
  return new Map(userIds.map((id, i) => [id, studentCodeOf(states.get(names[i] as string), session)]));
}
