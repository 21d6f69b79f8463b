import { describe, expect, it } from "vitest";
import { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { CursorAwareness, cssString, remoteCursorCss, selectionResolves } from "./remote-cursors.ts";

describe("remote cursor styles", () => {
  it("turns any name into a CSS string that cannot break out of its rule", () => {
    expect(cssString("Grace Teacher")).toBe('"Grace Teacher"');
    const nasty = cssString('Bob"; } body { display: none } </style><script>');
    expect(nasty).toMatch(/^"[^"{}<>;]*"$/);
    expect(cssString("Zoë 🙂")).toBe('"Zo\\eb  \\1f642 "');
  });

  it("colours the selection and labels the cursor of one client", () => {
    const css = remoteCursorCss(42, { name: "Grace", color: "#15803d" });
    expect(css).toContain(".yRemoteSelection-42{background-color:#15803d38;}");
    expect(css).toContain(".yRemoteSelectionHead-42{");
    expect(css).toContain('.yRemoteSelectionHead-42::after{content:"Grace";');
    expect(css).toContain("background:#15803d;color:#ffffff;");
  });

  it("falls back to a safe colour when the colour is not #rrggbb", () => {
    const css = remoteCursorCss(7, { name: "x", color: "red;} body{display:none" });
    expect(css).not.toContain("display:none");
    expect(css).toContain("#6366f1");
  });

  it("shows the name label only just after a move, and on hover over the caret", () => {
    const moved = remoteCursorCss(42, { name: "Grace", color: "#15803d" }, true);
    const still = remoteCursorCss(42, { name: "Grace", color: "#15803d" }, false);
    expect(moved).toMatch(/\.yRemoteSelectionHead-42::after\{[^}]*opacity:1;/);
    expect(still).toMatch(/\.yRemoteSelectionHead-42::after\{[^}]*opacity:0;/);
    expect(still).toContain(".yRemoteSelectionHead-42:hover::after{opacity:1;}");
    // A hover area a few pixels wider than the 2 px caret.
    expect(still).toMatch(/\.yRemoteSelectionHead-42::before\{content:"";[^}]*width:10px;/);
  });

  it("draws only selections that resolve in the document, whatever a peer publishes", () => {
    const doc = new Y.Doc();
    const text = doc.getText("code");
    text.insert(0, "print('hi')\n");
    const at = JSON.parse(JSON.stringify(Y.createRelativePositionFromTypeIndex(text, 3)));
    expect(selectionResolves({ anchor: at, head: at }, doc)).toBe(true);
    const dangling = { type: null, tname: null, item: { client: 987654321 }, assoc: 0 };
    expect(() => Y.createAbsolutePositionFromRelativePosition(dangling as never, doc)).toThrow();
    expect(selectionResolves({ anchor: dangling, head: at }, doc)).toBe(false);
    expect(selectionResolves({ anchor: {}, head: {} }, doc)).toBe(false);
    expect(selectionResolves("selection", doc)).toBe(false);
  });

  it("gives y-monaco only drawable selections, and no throw of its handlers reaches the awareness", () => {
    const doc = new Y.Doc();
    const text = doc.getText("code");
    text.insert(0, "print('hi')\n");
    const awareness = new Awareness(doc);
    const view = new CursorAwareness(awareness, doc);
    const at = JSON.parse(JSON.stringify(Y.createRelativePositionFromTypeIndex(text, 3)));
    const dangling = { type: null, tname: null, item: { client: 987654321 }, assoc: 0 };
    awareness.states.set(101, { selection: { anchor: at, head: at } });
    awareness.states.set(102, { selection: { anchor: dangling, head: dangling } });
    awareness.states.set(103, { user: { name: "no selection" } });
    expect([...view.getStates().keys()]).toEqual([101]);

    let calls = 0;
    const draw = () => {
      calls++;
      throw new Error("y-monaco could not draw");
    };
    view.on("change", draw);
    expect(() => awareness.setLocalStateField("selection", { anchor: at, head: at })).not.toThrow();
    expect(calls).toBe(1);
    view.off("change");
    awareness.setLocalStateField("selection", null);
    expect(calls).toBe(1);
    awareness.destroy();
  });
});
