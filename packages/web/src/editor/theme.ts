import { monaco } from "./monaco.ts";

/**
 * vs and vs-dark with the colours that fail WCAG AA contrast (4.5:1) replaced: dark comments
 * (#608b4e, 4.2:1 on #1e1e1e) take VS Code's Dark+ green (5:1), and the dimmed line number
 * after a final newline (drawn at 40 % opacity, 1.75:1) takes the other line numbers' colour.
 */
const THEMES = {
  light: "observer-light",
  dark: "observer-dark",
} as const;

let defined = false;

function defineThemes(): void {
  if (defined) return;
  defined = true;
  monaco.editor.defineTheme(THEMES.light, {
    base: "vs",
    inherit: true,
    rules: [],
    colors: { "editorLineNumber.dimmedForeground": "#237893" },
  });
  monaco.editor.defineTheme(THEMES.dark, {
    base: "vs-dark",
    inherit: true,
    rules: [{ token: "comment", foreground: "6a9955" }],
    colors: { "editorLineNumber.dimmedForeground": "#858585" },
  });
}

/** Monaco's theme for the app's current theme (the `dark` class on <html>). */
export function currentMonacoTheme(): (typeof THEMES)[keyof typeof THEMES] {
  defineThemes();
  return document.documentElement.classList.contains("dark") ? THEMES.dark : THEMES.light;
}

let watchers = 0;
let observer: MutationObserver | null = null;
const listeners = new Set<() => void>();

/**
 * Keeps Monaco's theme (global to all editors) on ours (vs / vs-dark, see THEMES) as the app's theme changes,
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
