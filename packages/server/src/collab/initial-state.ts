import { DOC_CODE, DOC_META } from "@observer/protocol";
import * as Y from "yjs";

/** The first state of a student's document: the session's starter code and language. */
export function initialDocumentState(props: { language: string; starterCode: string }): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    doc.getMap(DOC_META).set("language", props.language);
    if (props.starterCode) doc.getText(DOC_CODE).insert(0, props.starterCode);
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}
