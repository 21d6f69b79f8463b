import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { BrowserContext, Page } from "playwright-core";

const require = createRequire(import.meta.url);
/** axe-core's browser bundle, evaluated in the page (not a <script> tag: the app's CSP forbids inline scripts). */
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** One failed rule, with the elements it failed on. */
interface Violation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/**
 * What axe checks: every rule it runs by default (WCAG 2.0–2.2 A/AA and best practices), plus
 * `label-content-name-mismatch` (WCAG 2.5.3, label in name), which axe ships as experimental.
 */
const AXE_OPTIONS = {
  rules: { "label-content-name-mismatch": { enabled: true } },
  resultTypes: ["violations"],
};

/** Runs axe on the page as it is now; resolves to a readable list of violations ("" when none). */
export async function axeViolations(page: Page): Promise<string> {
  const loaded = await page.evaluate(() => "axe" in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (options) => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is a global the evaluated bundle defines.
    const axe = (window as any).axe;
    const result = await axe.run(document, options);
    return result.violations as Violation[];
  }, AXE_OPTIONS);
  return violations
    .map((v) =>
      [
        `${v.id} (${v.impact ?? "?"}): ${v.help} — ${v.helpUrl}`,
        ...v.nodes.map(
          (n) => `    ${JSON.stringify(n.target)}: ${(n.failureSummary ?? "").replace(/\s+/g, " ")}`,
        ),
      ].join("\n"),
    )
    .join("\n");
}

/**
 * Collects what a page reports as broken: console errors (a failed request logs one) and
 * Content-Security-Policy violations (listened for in every document before the app runs).
 */
export async function watchPageErrors(
  context: BrowserContext,
): Promise<{ take(page: Page): Promise<string[]> }> {
  const consoleErrors = new Map<Page, string[]>();
  const track = (page: Page) => {
    consoleErrors.set(page, []);
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.get(page)?.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => consoleErrors.get(page)?.push(`page error: ${error.message}`));
  };
  for (const page of context.pages()) track(page);
  context.on("page", track);
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(
        `CSP: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  return {
    /** Everything reported on `page` since the last call. */
    async take(page) {
      const csp = await page.evaluate(() => {
        const list = (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [];
        return list.splice(0);
      });
      const errors = consoleErrors.get(page)?.splice(0) ?? [];
      return [...errors, ...csp];
    },
  };
}
