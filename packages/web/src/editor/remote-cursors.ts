import { type AwarenessUser, awarenessUserSchema } from "@observer/protocol";
import type { Awareness } from "y-protocols/awareness";
import { textColorOn } from "../live/colors.ts";

const HEX_COLOR = /^#[0-9a-f]{6}$/i;

/** A CSS string literal for any text: every character but letters, digits and spaces escaped. */
export function cssString(text: string): string {
  let out = "";
  for (const char of text) {
    out += /[A-Za-z0-9 ]/.test(char) ? char : `\\${(char.codePointAt(0) ?? 0).toString(16)} `;
  }
  return `"${out}"`;
}

/** The CSS that colours one remote client's selection and labels its cursor with the name. */
export function remoteCursorCss(clientId: number, user: Pick<AwarenessUser, "name" | "color">): string {
  const color = HEX_COLOR.test(user.color) ? user.color : "#6366f1";
  const id = Math.trunc(clientId);
  return `.yRemoteSelection-${id}{background-color:${color}38;}
.yRemoteSelectionHead-${id}{position:absolute;box-sizing:border-box;height:100%;border-left:2px solid ${color};}
.yRemoteSelectionHead-${id}::after{content:${cssString(user.name)};position:absolute;left:-2px;bottom:100%;padding:1px 6px;border-radius:4px 4px 4px 0;background:${color};color:${textColorOn(color)};font:600 11px/16px ui-sans-serif,system-ui,sans-serif;white-space:nowrap;pointer-events:none;z-index:20;}`;
}

/**
 * Styles y-monaco's remote selections (`yRemoteSelection-<clientID>`,
 * `yRemoteSelectionHead-<clientID>`) from awareness: each other client's selection in its
 * user's colour and its cursor labelled with its user's name. One <style> element, rewritten
 * when awareness changes; removed by `dispose()`.
 */
export class RemoteCursorStyles {
  private readonly style: HTMLStyleElement;
  private css = "";

  constructor(private readonly awareness: Awareness) {
    this.style = document.createElement("style");
    this.style.dataset.remoteCursors = "";
    document.head.append(this.style);
    awareness.on("change", this.update);
    this.update();
  }

  private readonly update = (): void => {
    const rules: string[] = [];
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID) continue;
      const user = awarenessUserSchema.safeParse((state as { user?: unknown }).user);
      if (user.success) rules.push(remoteCursorCss(clientId, user.data));
    }
    const css = rules.join("\n");
    if (css !== this.css) {
      this.css = css;
      this.style.textContent = css;
    }
  };

  dispose(): void {
    this.awareness.off("change", this.update);
    this.style.remove();
  }
}
