import { describe, expect, it } from "vitest";
import { INITIAL_TAB_ESCAPE, type TabEscapeState, tabEscapeHint, tabEscapeKey } from "./tab-escape.ts";

const key = (
  k: string,
  mods: Partial<Record<"ctrlKey" | "metaKey" | "altKey" | "shiftKey", boolean>> = {},
) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

/** Feeds keys one after the other; returns the actions and the last state. */
function press(keys: ReturnType<typeof key>[], mac = false, from: TabEscapeState = INITIAL_TAB_ESCAPE) {
  let state = from;
  const actions: string[] = [];
  for (const k of keys) {
    const next = tabEscapeKey(state, k, mac);
    state = next.state;
    actions.push(next.action);
  }
  return { actions, state };
}

describe("tabEscapeKey", () => {
  it("Tab indents (Monaco keeps it) until Esc; Esc then Tab or Shift+Tab leaves", () => {
    expect(press([key("Tab")]).actions).toEqual(["none"]);
    expect(press([key("Escape"), key("Tab")]).actions).toEqual(["none", "leave"]);
    expect(press([key("Escape"), key("Shift"), key("Tab", { shiftKey: true })]).actions).toEqual([
      "none",
      "none",
      "leave",
    ]);
  });

  it("any other key between Esc and Tab cancels the escape; leaving once, the next Tab indents", () => {
    expect(press([key("Escape"), key("a"), key("Tab")]).actions).toEqual(["none", "none", "none"]);
    const left = press([key("Escape"), key("Tab")]);
    expect(press([key("Tab")], false, left.state).actions).toEqual(["none"]);
  });

  it("arriving armed (by Tab), the first Tab leaves; typing first disarms", () => {
    const armed = { armed: true, tabMovesFocus: false };
    expect(press([key("Tab")], false, armed).actions).toEqual(["leave"]);
    expect(press([key("x"), key("Tab")], false, armed).actions).toEqual(["none", "none"]);
  });

  it("Ctrl+M (Ctrl+Shift+M on a Mac) toggles Tab moving the focus", () => {
    const on = press([key("m", { ctrlKey: true })]);
    expect(on.actions).toEqual(["toggle"]);
    expect(press([key("a"), key("Tab"), key("Tab")], false, on.state).actions).toEqual([
      "none",
      "leave",
      "leave",
    ]);
    expect(press([key("m", { ctrlKey: true }), key("Tab")], false, on.state).actions).toEqual([
      "toggle",
      "none",
    ]);
    expect(press([key("m", { ctrlKey: true })], true).actions).toEqual(["none"]);
    expect(press([key("M", { ctrlKey: true, shiftKey: true })], true).actions).toEqual(["toggle"]);
    // Ctrl+Tab and Alt+Tab belong to the browser and the system.
    expect(press([key("Tab", { ctrlKey: true })], false, on.state).actions).toEqual(["none"]);
  });

  it("the hint says what Tab does now", () => {
    expect(tabEscapeHint(INITIAL_TAB_ESCAPE, false)).toBe(
      "Esc then Tab: leave the editor · Ctrl+M: Tab moves focus",
    );
    expect(tabEscapeHint({ armed: true, tabMovesFocus: false }, false)).toBe("Tab: leave the editor");
    expect(tabEscapeHint({ armed: false, tabMovesFocus: true }, true)).toBe(
      "Tab moves focus · Ctrl+Shift+M: Tab indents again",
    );
  });
});
