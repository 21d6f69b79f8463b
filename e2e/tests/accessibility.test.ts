import type { BrowserContextOptions, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { axeViolations, watchPageErrors } from "../support/a11y.ts";
import { type Account, logInAt, startRunByApi, textOf, waitForPath } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import { editorTextMatching } from "../support/editor.ts";
import { terminalIn, terminalTextMatching } from "../support/terminal.ts";

const RUN_MS = 30_000;
const THEMES = ["light", "dark"] as const;
const WIDE = { viewport: { width: 1440, height: 900 } };

/**
 * axe-core on every page of the app, in the light and the dark theme, with no violation
 * allowed; and no page logs an error or a CSP violation while it loads (an anonymous visit
 * asks for no refresh, zod never probes `Function`). Screenshots: e2e/screenshots/a11y-*.
 */
describe("accessibility of every page, in both themes", () => {
  // Ben writes and runs a program (a tile with code and a run); Chloé has joined, nothing more.
  const room = useClassroom({
    session: {
      name: "Accessibility — lab 1",
      language: "python",
      starterCode: '# Write your program here\ncount = 3\nprint("count:", count)\n',
    },
    students: ["Ada Lovelace", "Ben Carter", "Chloé Martin"],
  });

  beforeAll(async () => {
    const ben = room.student(1);
    const code = "total = 0\nfor i in range(1, 11):\n    total += i * 2.5\nprint('total', total)  # a sum\n";
    const doc = await room.document(ben);
    doc.write("python", code);
    await doc.saved();
    const run = await startRunByApi(room.url, ben.token, room.session.id, { language: "python", code });
    expect(run.status).toBe(201);
  });

  /** A new page whose errors are collected from the start (see watchPageErrors), logged in as `who`. */
  async function watchedPage(who?: Account, options?: BrowserContextOptions) {
    const page = await room.page(options);
    const errors = await watchPageErrors(page.context());
    if (who) await logInAt(page, who);
    return { page, errors };
  }

  /** Audits the page in both themes; returns one line per problem (empty when there is none). */
  async function audit(page: Page, name: string, errors: { take(page: Page): Promise<string[]> }) {
    const problems: string[] = [];
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      await page.waitForFunction(
        (dark) => document.documentElement.classList.contains("dark") === dark,
        theme === "dark",
      );
      // Let Monaco and xterm repaint in the new theme before axe reads the colours.
      await page.waitForTimeout(300);
      await screenshot(page, `a11y-${name}-${theme}`, false);
      const found = await axeViolations(page);
      if (found) problems.push(`${name} (${theme}):\n${found}`);
    }
    for (const error of await errors.take(page)) problems.push(`${name}: ${error}`);
    await page.emulateMedia({ colorScheme: "light" });
    return problems;
  }

  it("login, register and not-found, without a login: no violations, no errors, no refresh call", async () => {
    const { page, errors } = await watchedPage();
    const refreshes: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/auth/refresh")) refreshes.push(request.url());
    });
    const problems: string[] = [];
    await page.goto("/login");
    await page.getByRole("button", { name: "Log in", exact: true }).waitFor();
    problems.push(...(await audit(page, "login", errors)));
    await page.goto("/register");
    await page.getByRole("button", { name: "Create account" }).waitFor();
    problems.push(...(await audit(page, "register", errors)));
    await page.goto("/no-such-page");
    await textOf(page.getByRole("main"), /not found/i);
    problems.push(...(await audit(page, "not-found", errors)));
    await page.context().close();
    expect(problems.join("\n")).toBe("");
    expect(refreshes).toEqual([]);
  });

  it("the student's home, a join link that fails and the workspace with code and a terminal", async () => {
    const { page, errors } = await watchedPage(room.student().account);
    const problems: string[] = [];
    await page.getByRole("button", { name: /Join/ }).first().waitFor();
    problems.push(...(await audit(page, "student-home", errors)));

    await page.goto("/join/ZZZZZZ");
    await textOf(page.getByRole("main"), /No session with this code/);
    problems.push(...(await audit(page, "join-failed", errors)).filter((p) => !/status of 404/.test(p)));

    await page.goto(`/sessions/${room.session.id}`);
    await waitForPath(page, new RegExp(`^/sessions/${room.session.id}$`));
    await editorTextMatching(page, /count = 3/);
    await page.getByRole("button", { name: /^Run/ }).click();
    await terminalTextMatching(page, /count: 3/, RUN_MS);
    await textOf(page.getByTestId("run-status"), /Finished after/, RUN_MS);
    await terminalIn(page).waitFor();
    problems.push(...(await audit(page, "student-workspace", errors)));
    await page.context().close();
    expect(problems.join("\n")).toBe("");
  });

  it("the teacher's home, the dashboard with its students and the focus view with a terminal", async () => {
    const { page, errors } = await watchedPage(room.teacher.account, WIDE);
    const problems: string[] = [];
    await textOf(page.getByRole("main"), /Accessibility — lab 1/);
    problems.push(...(await audit(page, "teacher-home", errors)));

    await page.goto(`/sessions/${room.session.id}`);
    const tiles = page.getByRole("list", { name: "Students" });
    await textOf(tiles, /Ben Carter[\s\S]*Chloé Martin/);
    const ben = page.getByTestId("student-tile").filter({ hasText: "Ben Carter" });
    await textOf(ben.getByTestId("run-tail"), /total 137\.5/, RUN_MS);
    await textOf(ben.getByTestId("code-preview"), /range/);
    // The link's name is what it shows (WCAG 2.5.3), starting with the student's name.
    await tiles.getByRole("link", { name: /^Ben Carter\b.*Exit 0.*Python.*Online/ }).waitFor();
    problems.push(...(await audit(page, "dashboard", errors)));

    // Ada has run her program (the test before): her terminal shows its output.
    await page.goto(`/sessions/${room.session.id}/students/${room.student().id}`);
    await editorTextMatching(page, /count = 3/);
    await terminalTextMatching(page, /count: 3/, RUN_MS);
    problems.push(...(await audit(page, "focus-view", errors)));
    await page.context().close();
    expect(problems.join("\n")).toBe("");
  });

  it("the admin page", async () => {
    const { page, errors } = await watchedPage(room.admin.account, WIDE);
    await page.goto("/admin");
    await textOf(page.getByRole("main"), /Grace Teacher/);
    const problems = await audit(page, "admin", errors);
    await page.context().close();
    expect(problems.join("\n")).toBe("");
  });
});
