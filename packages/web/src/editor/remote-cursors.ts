import { type AwarenessUser, awarenessSelectionSchema, awarenessUserSchema } from "@observer/protocol";
import type { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { textColorOn } from "../live/colors.ts";

/** How long a remote cursor's name stays shown after it moves (it also shows on hover). */
export const CURSOR_LABEL_MS = 3000;

const HEX_COLOR = /^#[0-9a-f]{6}$/i;

/** A CSS string literal for any text: every character but letters, digits and spaces escaped. */
export function cssString(text: string): string {
  let out = "";
  for (const char of text) {
    out += /[A-Za-z0-9 ]/.test(char) ? char : `\\${(char.codePointAt(0) ?? 0).toString(16)} `;
  }
  return `"${out}"`;
}

/**
 * The CSS that colours one remote client's selection and labels its cursor with the name. The
 * label (over the line above) shows only while `labelShown` (just after the cursor moved) or
 * while the pointer is over the caret (a few pixels either side of it count), so it does not
 * keep hiding code.
 */
export function remoteCursorCss(
  clientId: number,
  user: Pick<AwarenessUser, "name" | "color">,
  labelShown = true,
): string {
  const color = HEX_COLOR.test(user.color) ? user.color : "#6366f1";
  const id = Math.trunc(clientId);
  return `.yRemoteSelection-${id}{background-color:${color}38;}
.yRemoteSelectionHead-${id}{position:absolute;box-sizing:border-box;height:100%;border-left:2px solid ${color};}
.yRemoteSelectionHead-${id}::before{content:"";position:absolute;top:0;bottom:0;left:-6px;width:10px;}
.yRemoteSelectionHead-${id}::after{content:${cssString(user.name)};position:absolute;left:-2px;bottom:100%;padding:1px 6px;border-radius:4px 4px 4px 0;background:${color};color:${textColorOn(color)};font:600 11px/16px ui-sans-serif,system-ui,sans-serif;white-space:nowrap;pointer-events:none;z-index:20;opacity:${labelShown ? 1 : 0};transition:opacity 150ms;}
.yRemoteSelectionHead-${id}:hover::after{opacity:1;}`;
}

/** True when a published selection has our shape and resolves in `doc` without Yjs throwing. */
export function selectionResolves(selection: unknown, doc: Y.Doc): boolean {
  const parsed = awarenessSelectionSchema.safeParse(selection);
  if (!parsed.success) return false;
  try {
    Y.createAbsolutePositionFromRelativePosition(parsed.data.anchor as Y.RelativePosition, doc);
    Y.createAbsolutePositionFromRelativePosition(parsed.data.head as Y.RelativePosition, doc);
    return true;
  } catch {
    return false;
  }
}

type Handler = (...args: unknown[]) => void;

/**
 * What y-monaco's MonacoBinding is given instead of the provider's awareness, so that no
 * awareness state can make its cursor rendering throw (a throw there unmounts the page):
 * `getStates()` holds only other clients' selections that validate and resolve, and every
 * handler y-monaco registers runs inside a try/catch. Publishing the local selection goes to
 * the real awareness.
 */
export class CursorAwareness {
  private readonly handlers: { name: string; guarded: Handler }[] = [];
  private warned = false;

  constructor(
    private readonly awareness: Awareness,
    private readonly doc: Y.Doc,
  ) {}

  get clientID(): number {
    return this.awareness.clientID;
  }

  getStates(): Map<number, { selection: unknown }> {
    const states = new Map<number, { selection: unknown }>();
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID) continue;
      const selection = (state as { selection?: unknown }).selection;
      if (selection != null && selectionResolves(selection, this.doc)) states.set(clientId, { selection });
    }
    return states;
  }

  setLocalStateField(field: string, value: unknown): void {
    this.awareness.setLocalStateField(field, value);
  }

  on(name: string, handler: Handler): void {
    const guarded: Handler = (...args) => {
      try {
        handler(...args);
      } catch (err) {
        if (!this.warned) console.warn("remote cursors could not be drawn", err);
        this.warned = true;
      }
    };
    this.handlers.push({ name, guarded });
    this.awareness.on(name as "change", guarded);
  }

  /** y-monaco registers one handler per event: removing it removes all of this view's. */
  off(name: string): void {
    for (const entry of this.handlers.filter((h) => h.name === name))
      this.awareness.off(name as "change", entry.guarded);
    this.handlers.splice(0, this.handlers.length, ...this.handlers.filter((h) => h.name !== name));
  }

  dispose(): void {
    for (const { name, guarded } of this.handlers) this.awareness.off(name as "change", guarded);
    this.handlers.length = 0;
  }

  /** The view typed as what MonacoBinding takes (it uses only the members above). */
  asAwareness(): Awareness {
    return this as unknown as Awareness;
  }
}

/**
 * Styles y-monaco's remote selections (`yRemoteSelection-<clientID>`,
 * `yRemoteSelectionHead-<clientID>`) from awareness: each other client's selection in its
 * user's colour and its cursor labelled with its user's name for CURSOR_LABEL_MS after it
 * moves (and on hover). One <style> element, rewritten when awareness changes or a label's
 * time is up; removed by `dispose()`.
 */
export class RemoteCursorStyles {
  private readonly style: HTMLStyleElement;
  private css = "";
  /** Per client: its last selection (as JSON) and until when its label shows. */
  private readonly moved = new Map<number, { selection: string; until: number }>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly awareness: Awareness) {
    this.style = document.createElement("style");
    this.style.dataset.remoteCursors = "";
    document.head.append(this.style);
    awareness.on("change", this.update);
    this.update();
  }

  private readonly update = (): void => {
    const now = Date.now();
    const rules: string[] = [];
    const present = new Set<number>();
    let nextExpiry = Number.POSITIVE_INFINITY;
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID) continue;
      const user = awarenessUserSchema.safeParse((state as { user?: unknown }).user);
      if (!user.success) continue;
      present.add(clientId);
      const selection = JSON.stringify((state as { selection?: unknown }).selection ?? null);
      let entry = this.moved.get(clientId);
      if (!entry || entry.selection !== selection) {
        entry = { selection, until: now + CURSOR_LABEL_MS };
        this.moved.set(clientId, entry);
      }
      const shown = entry.until > now;
      if (shown) nextExpiry = Math.min(nextExpiry, entry.until);
      rules.push(remoteCursorCss(clientId, user.data, shown));
    }
    for (const clientId of this.moved.keys()) if (!present.has(clientId)) this.moved.delete(clientId);
    if (this.timer) clearTimeout(this.timer);
    this.timer = Number.isFinite(nextExpiry) ? setTimeout(this.update, nextExpiry - now + 20) : null;
    const css = rules.join("\n");
    if (css !== this.css) {
      this.css = css;
      this.style.textContent = css;
    }
  };

  dispose(): void {
    this.awareness.off("change", this.update);
    if (this.timer) clearTimeout(this.timer);
    this.style.remove();
  }
}
