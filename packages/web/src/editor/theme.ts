import { monaco } from "./monaco.ts";

/** Monaco's theme for the app's current theme (the `dark` class on <html>). */
export function currentMonacoTheme(): "vs" | "vs-dark" {
  return document.documentElement.classList.contains("dark") ? "vs-dark" : "vs";
}

let watchers = 0;
let observer: MutationObserver | null = null;
const listeners = new Set<() => void>();

/**
 * Keeps Monaco's theme (global to all editors) on vs / vs-dark as the app's theme changes,
 * while at least one caller holds the returned release function. `onChange` hears each switch.
 */
export function followAppTheme(onChange?: () => void): () => void {
  if (onChange) listeners.add(onChange);
  if (watchers++ === 0) {
    monaco.editor.setTheme(currentMonacoTheme());
    observer = new MutationObserver(() => {
      monaco.editor.setTheme(currentMonacoTheme());
      for (const listener of listeners) listener();
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  }
  return () => {
    if (onChange) listeners.delete(onChange);
    if (--watchers === 0) {
      observer?.disconnect();
      observer = null;
    }
  };
}
