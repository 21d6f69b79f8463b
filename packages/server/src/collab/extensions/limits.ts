import type { beforeSyncPayload, Extension } from "@hocuspocus/server";
import { CLOSE_CODES, DOC_CODE, LIMITS } from "@observer/protocol";
import * as Y from "yjs";
import type { CloseReason } from "../context.ts";

const tooLarge: CloseReason = { code: CLOSE_CODES.tooLarge, reason: "Document too large" };
const utf8Length = (text: string) => Buffer.byteLength(text, "utf8");

/** Would the code still fit under the cap once this update is applied? */
export function fitsUnderCap(doc: Y.Doc, update: Uint8Array, capBytes: number): boolean {
  const text = doc.getText(DOC_CODE);
  // A UTF-16 unit is at most 3 UTF-8 bytes, and an update inserts at most as many bytes as it
  // is long: the common case is decided without reading the text or trying the update.
  if (text.length * 3 + update.byteLength <= capBytes) return true;
  if (utf8Length(text.toString()) + update.byteLength <= capBytes) return true;
  const trial = new Y.Doc({ gc: false });
  Y.applyUpdate(trial, Y.encodeStateAsUpdate(doc));
  Y.applyUpdate(trial, update);
  const fits = utf8Length(trial.getText(DOC_CODE).toString()) <= capBytes;
  trial.destroy();
  return fits;
}

/**
 * Caps a whole document's encoded size (everything in it, not only the code), measuring it
 * exactly only after enough bytes have arrived since the last measurement to possibly pass.
 */
export class DocumentSizeGuard {
  private readonly measured = new WeakMap<Y.Doc, { bytes: number; since: number }>();

  constructor(private readonly maxBytes: number) {}

  fits(doc: Y.Doc, update: Uint8Array): boolean {
    let entry = this.measured.get(doc);
    if (!entry) {
      entry = { bytes: Y.encodeStateAsUpdate(doc).byteLength, since: 0 };
      this.measured.set(doc, entry);
    }
    if (entry.bytes + entry.since + update.byteLength > this.maxBytes) {
      entry.bytes = Y.encodeStateAsUpdate(doc).byteLength;
      entry.since = 0;
      if (entry.bytes + update.byteLength > this.maxBytes) return false;
    }
    entry.since += update.byteLength;
    return true;
  }
}

/**
 * Caps a document's code (LIMITS.codeBytes) and its whole size (4 × that, for metadata and
 * history of edits): an update that would pass either is refused before it touches the
 * document, and only that document connection is closed.
 */
export class Limits implements Extension {
  extensionName = "observer-limits";
  private readonly sizeGuard: DocumentSizeGuard;

  constructor(private readonly capBytes: number = LIMITS.codeBytes) {
    this.sizeGuard = new DocumentSizeGuard(4 * capBytes);
  }

  async beforeSync({ type, payload, document }: beforeSyncPayload): Promise<void> {
    // 1 = sync step 2, 2 = update: both carry a Yjs update.
    if (type !== 1 && type !== 2) return;
    if (!fitsUnderCap(document, payload, this.capBytes)) throw tooLarge;
    if (!this.sizeGuard.fits(document, payload)) throw tooLarge;
  }
}
