import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DocumentSizeGuard, fitsUnderCap } from "./limits.ts";

/** The update that turns `base` into `base` after `change`. */
function updateOf(base: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(copy);
  change(copy);
  return Y.encodeStateAsUpdate(copy, before);
}

describe("collab limits", () => {
  it("refuses code past the cap, counting UTF-8 bytes, and accepts up to it", () => {
    const doc = new Y.Doc();
    doc.getText("code").insert(0, "é".repeat(40));
    expect(
      fitsUnderCap(
        doc,
        updateOf(doc, (d) => d.getText("code").insert(0, "a".repeat(20))),
        100,
      ),
    ).toBe(true);
    expect(
      fitsUnderCap(
        doc,
        updateOf(doc, (d) => d.getText("code").insert(0, "a".repeat(21))),
        100,
      ),
    ).toBe(false);
  });

  it("refuses metadata that would make the whole document too large, whatever the code", () => {
    const doc = new Y.Doc();
    const guard = new DocumentSizeGuard(5000);
    let accepted = 0;
    for (let i = 0; i < 20; i++) {
      const update = updateOf(doc, (d) => d.getMap("meta").set(`k${i}`, "x".repeat(500)));
      if (!guard.fits(doc, update)) break;
      Y.applyUpdate(doc, update);
      accepted += 1;
    }
    expect(accepted).toBeGreaterThan(5);
    expect(accepted).toBeLessThan(10);
    expect(Y.encodeStateAsUpdate(doc).byteLength).toBeLessThanOrEqual(5000);
  });
});
