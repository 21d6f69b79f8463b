import type { Locator, Page } from "playwright-core";
import { waitForText } from "./wait.ts";

/** The run terminal (xterm.js) inside `scope`. */
export function terminalIn(scope: Page | Locator): Locator {
  return scope.getByTestId("run-terminal").first();
}

/** The text the terminal shows, row by row (xterm's DOM renderer; trailing spaces trimmed). */
export async function terminalText(scope: Page | Locator): Promise<string> {
  const rows = terminalIn(scope).locator(".xterm-rows");
  if ((await rows.count()) === 0) return "";
  return rows.evaluate((el) =>
    [...el.children]
      .map((row) => (row.textContent ?? "").replace(/\u00a0/g, " ").trimEnd())
      .join("\n")
      .trimEnd(),
  );
}

/** Waits until the terminal's text matches `pattern`, and returns it. */
export function terminalTextMatching(
  scope: Page | Locator,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<string> {
  return waitForText(
    () => terminalText(scope),
    pattern,
    timeoutMs,
    (last) => `Timed out waiting for the terminal to match ${pattern}; last text:\n${last}`,
  );
}

/** Clicks into the terminal (focusing xterm's input) and types a line, Enter included. */
export async function typeInTerminal(page: Page, scope: Page | Locator, line: string): Promise<void> {
  await terminalIn(scope).click();
  await page.keyboard.type(line);
  await page.keyboard.press("Enter");
}
