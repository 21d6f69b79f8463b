/** The user's choice: follow the system, or force light or dark. */
export type ThemePreference = "system" | "light" | "dark";

/** localStorage key; index.html's inline script reads the same key before first paint. */
export const THEME_KEY = "observer-theme";

const ORDER: readonly ThemePreference[] = ["system", "light", "dark"];
const darkQuery = () => window.matchMedia("(prefers-color-scheme: dark)");

export function readPreference(): ThemePreference {
  try {
    const stored = localStorage.getItem(THEME_KEY);
    return stored === "light" || stored === "dark" ? stored : "system";
  } catch {
    return "system";
  }
}

export function storePreference(preference: ThemePreference): void {
  try {
    if (preference === "system") localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, preference);
  } catch {
    // Storage can be blocked (private mode); the choice then lasts for this page only.
  }
}

/** The preference after `current` in the toggle's cycle system → light → dark. */
export function nextPreference(current: ThemePreference): ThemePreference {
  return ORDER[(ORDER.indexOf(current) + 1) % ORDER.length] ?? "system";
}

/** Sets or clears the `dark` class on <html>, as the inline script does at load. */
export function applyPreference(preference: ThemePreference): void {
  const dark = preference === "dark" || (preference === "system" && darkQuery().matches);
  const root = document.documentElement;
  root.classList.toggle("dark", dark);
  root.style.colorScheme = dark ? "dark" : "light";
}

/** Re-applies the theme when the system scheme changes. Returns an unsubscribe. */
export function watchSystemScheme(onChange: () => void): () => void {
  const query = darkQuery();
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}
