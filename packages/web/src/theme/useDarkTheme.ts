import { useSyncExternalStore } from "react";

const isDark = () => document.documentElement.classList.contains("dark");

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  return () => observer.disconnect();
}

/**
 * Whether the app shows its dark theme now (the `dark` class on <html>), following each
 * switch: for what draws its own colours (a canvas) instead of using Tailwind's `dark:`.
 */
export function useDarkTheme(): boolean {
  return useSyncExternalStore(subscribe, isDark);
}
