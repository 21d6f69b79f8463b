/**
 * The way out of a code editor by keyboard. Monaco keeps Tab (it indents), which traps a
 * keyboard user inside it. The rules (VS Code's, plus one for arriving by Tab):
 * - Esc then Tab (or Shift+Tab) leaves the editor; any other key in between cancels it.
 * - Ctrl+M (Ctrl+Shift+M on a Mac, as in VS Code) toggles "Tab moves focus" for good.
 * - Arriving in the editor by Tab, the next Tab leaves again: tabbing through the page never
 *   types into the code. Once something else is typed, Tab indents again.
 */

/** Where the editor stands: whether the next Tab leaves, and the Ctrl+M mode. */
export interface TabEscapeState {
  /** The next Tab leaves the editor (after Esc, or after arriving by Tab). */
  armed: boolean;
  /** Ctrl+M mode: every Tab moves focus. */
  tabMovesFocus: boolean;
}

export const INITIAL_TAB_ESCAPE: TabEscapeState = { armed: false, tabMovesFocus: false };

type Key = Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">;

/** What a key press in the editor means here: leave (let the browser move focus), toggle, or nothing. */
export type TabEscapeAction = "leave" | "toggle" | "none";

const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta", "AltGraph", "CapsLock"]);

/** Ctrl+M, or Ctrl+Shift+M on a Mac (Cmd+M minimises the window there). */
export function isTabModeKey(event: Key, mac: boolean): boolean {
  if (event.key.toLowerCase() !== "m" || !event.ctrlKey || event.altKey || event.metaKey) return false;
  return mac ? event.shiftKey : !event.shiftKey;
}

/** The next state and action for a key pressed in the editor. Pure. */
export function tabEscapeKey(
  state: TabEscapeState,
  event: Key,
  mac: boolean,
): { state: TabEscapeState; action: TabEscapeAction } {
  if (isTabModeKey(event, mac)) {
    return { state: { armed: false, tabMovesFocus: !state.tabMovesFocus }, action: "toggle" };
  }
  if (event.key === "Tab" && !event.ctrlKey && !event.altKey && !event.metaKey) {
    if (state.armed || state.tabMovesFocus) return { state: { ...state, armed: false }, action: "leave" };
    return { state, action: "none" };
  }
  if (event.key === "Escape") return { state: { ...state, armed: true }, action: "none" };
  if (MODIFIERS.has(event.key)) return { state, action: "none" };
  return { state: state.armed ? { ...state, armed: false } : state, action: "none" };
}

/** The hint shown while the editor has focus. */
export function tabEscapeHint(state: TabEscapeState, mac: boolean): string {
  const toggle = mac ? "Ctrl+Shift+M" : "Ctrl+M";
  if (state.tabMovesFocus) return `Tab moves focus · ${toggle}: Tab indents again`;
  if (state.armed) return "Tab: leave the editor";
  return `Esc then Tab: leave the editor · ${toggle}: Tab moves focus`;
}

// Whether the focus is moving because of a Tab key press right now (the browser moves focus
// during the key's default action, after its listeners ran and before any timer).
let tabbing = false;
let listening = false;

function listenForTab(): void {
  if (listening || typeof window === "undefined") return;
  listening = true;
  window.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Tab") return;
      tabbing = true;
      setTimeout(() => {
        tabbing = false;
      }, 0);
    },
    true,
  );
}

/**
 * Applies the rules to an editor in `container`: a capturing keydown listener on the
 * container lets the browser move focus (Monaco never sees the Tab) when the rules say so.
 * `focused`/`blurred` are to be called from the editor's own focus events. `dispose()` removes
 * the listener.
 */
export class TabEscape {
  private state: TabEscapeState = INITIAL_TAB_ESCAPE;

  constructor(
    private readonly container: HTMLElement,
    private readonly onChange: (state: TabEscapeState) => void,
    private readonly mac: boolean,
  ) {
    listenForTab();
    container.addEventListener("keydown", this.onKeyDown, true);
  }

  private set(next: TabEscapeState): void {
    if (next.armed === this.state.armed && next.tabMovesFocus === this.state.tabMovesFocus) return;
    this.state = next;
    this.onChange(next);
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    const { state, action } = tabEscapeKey(this.state, event, this.mac);
    if (action === "leave") {
      // Not preventDefault: the browser's default action for Tab moves the focus on.
      event.stopPropagation();
    } else if (action === "toggle") {
      event.preventDefault();
      event.stopPropagation();
    }
    this.set(state);
  };

  /** The editor got focus: armed when it came by Tab. */
  focused(): void {
    this.set({ ...this.state, armed: tabbing });
  }

  blurred(): void {
    this.set({ ...this.state, armed: false });
  }

  dispose(): void {
    this.container.removeEventListener("keydown", this.onKeyDown, true);
  }
}
