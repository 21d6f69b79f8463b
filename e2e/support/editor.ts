import type { Locator, Page } from "playwright-core";
import { waitForText } from "./wait.ts";

/** The Monaco editor inside `scope` (a page or a region). */
export function monacoIn(scope: Page | Locator): Locator {
  return scope.locator(".monaco-editor").first();
}

/** The text Monaco shows (its rendered lines; no-break spaces read as spaces). */
export async function editorText(scope: Page | Locator): Promise<string> {
  const lines = monacoIn(scope).locator(".view-lines");
  // Rendered lines are absolutely positioned: order them by their top offset.
  return lines.evaluate((el) =>
    [...el.querySelectorAll<HTMLElement>(".view-line")]
      .sort((a, b) => a.offsetTop - b.offsetTop)
      .map((line) => (line.textContent ?? "").replace(/\u00a0/g, " "))
      .join("\n"),
  );
}

/** Waits until the editor's text matches `pattern`, and returns it. */
export function editorTextMatching(
  scope: Page | Locator,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<string> {
  const lines = monacoIn(scope).locator(".view-lines");
  return waitForText(
    async () => ((await lines.count()) > 0 ? editorText(scope) : undefined),
    pattern,
    timeoutMs,
    (last) => `Timed out waiting for the editor to match ${pattern}; last text:\n${last}`,
  );
}

/** Focuses the editor at the end of its text (clicking, then Ctrl+End). */
export async function focusEditorEnd(page: Page, scope: Page | Locator = page): Promise<void> {
  await monacoIn(scope).locator(".view-lines").click();
  await page.keyboard.press("Control+End");
}
