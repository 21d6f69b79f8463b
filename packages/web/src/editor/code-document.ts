import { DOC_CODE, DOC_META, type Language, languageSchema } from "@observer/protocol";
import type * as Y from "yjs";
import { LANGUAGE_TEMPLATES } from "./templates.ts";

/** The student's code in a session document. */
export function codeOf(doc: Y.Doc): Y.Text {
  return doc.getText(DOC_CODE);
}

/** The document's facts (`language`). */
export function metaOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(DOC_META);
}

/** The document's language, or null while it is unknown (before the first sync) or invalid. */
export function languageOf(doc: Y.Doc): Language | null {
  const parsed = languageSchema.safeParse(metaOf(doc).get("language"));
  return parsed.success ? parsed.data : null;
}

/**
 * Switches the document's language. Code is never deleted: the language's template goes in
 * only when the editor holds nothing but whitespace. One transaction with `origin`, so the
 * template insertion is undone like the student's own typing.
 */
export function switchLanguage(doc: Y.Doc, language: Language, origin: unknown): void {
  doc.transact(() => {
    const meta = metaOf(doc);
    if (meta.get("language") !== language) meta.set("language", language);
    const code = codeOf(doc);
    if (code.toString().trim() === "") {
      if (code.length > 0) code.delete(0, code.length);
      code.insert(0, LANGUAGE_TEMPLATES[language]);
    }
  }, origin);
}

/**
 * Replaces the whole code with `code` (and the language with `language`, unless null) in one
 * transaction with `origin`: undone in one step (a broadcast copied into a student's editor).
 */
export function replaceCode(doc: Y.Doc, code: string, language: Language | null, origin: unknown): void {
  doc.transact(() => {
    const meta = metaOf(doc);
    if (language && meta.get("language") !== language) meta.set("language", language);
    const text = codeOf(doc);
    if (text.toString() === code) return;
    if (text.length > 0) text.delete(0, text.length);
    text.insert(0, code);
  }, origin);
}
