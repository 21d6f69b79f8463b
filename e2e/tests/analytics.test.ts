import { copyFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { AnalyticsReply, Language, Session, StudentAnalytics } from "@observer/protocol";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "../support/a11y.ts";
import { createSessionByApi, startRunByApi, textOf, waitForPath } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { type Member, useClassroom } from "../support/classroom.ts";
import { REPO_ROOT } from "../support/paths.ts";
import { waitForText } from "../support/wait.ts";

const NAMES = ["Ada Typer", "Ben Runner", "Cleo Quiet"] as const;
const ADA_LINES = ["total = 0\n", "for i in range(3):\n", "    total += i\n"] as const;
const ADA_TYPED = ADA_LINES.join("").length;
const BEN_LINE = "print(1 / 0)\n";
/** One insertion this long counts as a paste (PASTE_MIN_CHARS is 80). */
const PASTED = `# notes from the board\n${"values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n".repeat(3)}`;

/**
 * The session's analytics end to end: three students type (one also pastes), run through
 * the real sandbox and raise a hand; the teacher opens the analytics from the dashboard and
 * sees the charts drawn, each student's figures as the API counts them, sorts the table by
 * a column, downloads the CSV and opens a student's page across sessions.
 */
describe("a session's analytics", () => {
  const room = useClassroom({
    session: { name: "Loops lab", language: "python", starterCode: "" },
    students: NAMES,
    pages: "teacher",
    // Reduced motion: the charts draw at once, without animation (for the screenshots).
    pageOptions: { viewport: { width: 1360, height: 1000 }, acceptDownloads: true, reducedMotion: "reduce" },
  });
  let teacher: Page;
  let session: Session;
  let figures: AnalyticsReply;
  /** What the teacher's page logs as errors (a failed request, a CSP violation). */
  const consoleErrors: string[] = [];
  const who = (name: (typeof NAMES)[number]): Member => room.student(NAMES.indexOf(name));
  const figuresOf = (name: string): StudentAnalytics => {
    const found = figures.students.find((s) => s.name === name);
    if (!found) throw new Error(`no figures for ${name}`);
    return found;
  };

  const api = async <T>(apiPath: string, token = room.teacher.token): Promise<T> => {
    const reply = await fetch(`${room.url}${apiPath}`, { headers: { authorization: `Bearer ${token}` } });
    expect(reply.status, await reply.clone().text()).toBe(200);
    return (await reply.json()) as T;
  };

  /** Runs `code` as `student` through the API and waits until it has ended and been stored. */
  const run = async (student: Member, language: Language, code: string) => {
    const res = await startRunByApi(room.url, student.token, session.id, { language, code });
    expect(res.status, await res.clone().text()).toBe(201);
    const { run: started } = await res.json();
    await waitForText(
      async () => {
        const { run: now } = await api<{ run: { finishedAt: string | null; status: string } }>(
          `/api/runs/${started.id}`,
          student.token,
        );
        return now.finishedAt ? now.status : undefined;
      },
      /finished/,
      30_000,
      (last) => `run ${started.id} of ${student.account.name} did not finish (last: ${last})`,
    );
  };

  /** Types `lines` one at a time, each acknowledged by the server (several saves). */
  const typeLines = async (student: Member, lines: readonly string[]) => {
    const document = await room.document(student);
    for (const line of lines) {
      for (const char of line) document.type(char);
      await document.saved();
    }
    return document;
  };

  const table = () => teacher.getByRole("table");
  const rowNames = () =>
    waitForText(
      async () => (await table().getByTestId("student-name").allInnerTexts()).join(" | "),
      undefined,
      5000,
      () => "no rows",
    );
  const orderIs = (pattern: RegExp) =>
    waitForText(
      async () => (await table().getByTestId("student-name").allInnerTexts()).join(" | "),
      pattern,
      15_000,
      (last) => `rows were "${last}", wanted ${pattern}`,
    );
  const header = (name: string) => table().getByRole("columnheader", { name: new RegExp(`^${name}`) });

  beforeAll(async () => {
    ({ session } = room);
    teacher = room.teacher.page;
    teacher.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    const ada = await typeLines(who("Ada Typer"), [
      "total = 0\n",
      "for i in range(3):\n",
      "    total += i\n",
    ]);
    ada.type(PASTED);
    await ada.saved();
    await typeLines(who("Ben Runner"), [BEN_LINE]);
    await run(who("Ada Typer"), "python", "print(sum(range(3)))");
    await run(who("Ben Runner"), "python", "print(1 / 0)");
    await run(who("Ben Runner"), "python", "print(undefined_name)");
    await run(who("Ben Runner"), "python", "print('fixed')");
    const hand = await fetch(`${room.url}/api/sessions/${session.id}/hands`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${who("Ben Runner").token}` },
      body: JSON.stringify({ message: "Why a ZeroDivisionError?" }),
    });
    expect(hand.status, await hand.clone().text()).toBeLessThan(300);
    // The edit log writes a document's changes when it is stored: wait until all are counted.
    await waitForText(
      async () => {
        figures = await api<AnalyticsReply>(`/api/sessions/${session.id}/analytics`);
        const [a, b] = ["Ada Typer", "Ben Runner"].map((name) =>
          figures.students.find((s) => s.name === name),
        );
        return a && b
          ? `Ada ${a.pastes} pastes, ${a.charactersTyped} typed; Ben ${b.charactersTyped} typed`
          : undefined;
      },
      new RegExp(`^Ada 1 pastes, ${ADA_TYPED} typed; Ben ${BEN_LINE.length} typed$`),
      20_000,
      (last) => `the edits were not all counted: ${last}`,
    );
  });

  it("opens from the dashboard with the session's name and draws both charts", async () => {
    await teacher.goto(`/sessions/${session.id}`);
    await teacher.getByRole("link", { name: "Analytics", exact: true }).click();
    await waitForPath(teacher, new RegExp(`^/sessions/${session.id}/analytics$`));
    await textOf(teacher.getByRole("heading", { level: 1 }), /^Loops lab$/);
    const charts = teacher.getByRole("img", { name: /per minute/ });
    await textOf(teacher.getByRole("heading", { name: "Edits and runs per minute" }));
    expect(await charts.count()).toBe(2);
    // Each canvas has coloured pixels: Chart.js drew bars and lines on it.
    const drawn = () =>
      charts.evaluateAll((canvases) =>
        canvases.map((canvas) => {
          const c = canvas as HTMLCanvasElement;
          const { data } = c.getContext("2d")?.getImageData(0, 0, c.width, c.height) ?? { data: [] };
          let coloured = 0;
          for (let i = 0; i < data.length; i += 4) {
            const [r = 0, g = 0, b = 0, a = 0] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
            if (a > 100 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
          }
          return coloured;
        }),
      );
    await waitForText(
      async () => (await drawn()).join(","),
      /^[1-9]\d{2,},[1-9]\d{2,}$/,
      10_000,
      (last) => `coloured pixels per chart: ${last}`,
    );
    await textOf(
      teacher.getByText(/failed runs? and 1 hand raised over/),
      /^2 failed runs and 1 hand raised/,
    );
    expect(await axeViolations(teacher)).toBe("");
    expect(consoleErrors).toEqual([]);
  });

  it("shows each student's figures as the API counts them, by name", async () => {
    expect(await rowNames()).toBe("Ada Typer | Ben Runner | Cleo Quiet");
    const cells = async (name: string) =>
      (
        await table()
          .getByRole("row", { name: new RegExp(`^${name}`) })
          .getByRole("cell")
          .allInnerTexts()
      ).map((t) => t.trim());
    const ben = figuresOf("Ben Runner");
    expect(ben).toMatchObject({ runs: 3, failedRuns: 2, hands: 1, pastes: 0 });
    const benCells = await cells("Ben Runner");
    expect(benCells.slice(0, 8)).toEqual([
      String(ben.edits),
      String(ben.charactersTyped),
      "0",
      "0%",
      "3",
      "2",
      "1",
      String(ben.activeMinutes),
    ]);
    expect(benCells[8]).toMatch(/^\d{1,2}:\d{2}.*\+\d+ min$/);
    const ada = figuresOf("Ada Typer");
    expect(ada.charactersPasted).toBe(PASTED.length);
    expect((await cells("Ada Typer")).slice(0, 5)).toEqual([
      String(ada.edits),
      String(ADA_TYPED),
      `1 (${PASTED.length} chars)`,
      `${Math.round((100 * PASTED.length) / (PASTED.length + ADA_TYPED))}%`,
      "1",
    ]);
    expect((await cells("Cleo Quiet")).join(" ")).toMatch(/^0 0 0 — 0 0 0 0 —\s*none$/);
    expect(await header("Student").getAttribute("aria-sort")).toBe("ascending");
  });

  it("sorts by a column when its header is clicked, and reverses on a second click", async () => {
    await header("Runs").getByRole("button").click();
    await orderIs(/^Ben Runner \| Ada Typer \| Cleo Quiet$/);
    expect(await header("Runs").getAttribute("aria-sort")).toBe("descending");
    expect(await header("Student").getAttribute("aria-sort")).toBeNull();
    await header("Runs").getByRole("button").click();
    await orderIs(/^Cleo Quiet \| Ada Typer \| Ben Runner$/);
    expect(await header("Runs").getAttribute("aria-sort")).toBe("ascending");
    await header("Typed").getByRole("button").click();
    await orderIs(/^Ada Typer \| Ben Runner \| Cleo Quiet$/);
    await header("Student").getByRole("button").click();
    await orderIs(/^Ada Typer \| Ben Runner \| Cleo Quiet$/);
    await teacher.evaluate(() => window.scrollTo(0, 0));
    // The dark theme too (e2e/screenshots only): the charts redraw in its colours.
    await teacher.emulateMedia({ colorScheme: "dark" });
    await screenshot(teacher, "analytics-dark");
    expect(await axeViolations(teacher)).toBe("");
    await teacher.emulateMedia({ colorScheme: "light" });
    await screenshot(teacher, "analytics");
    await mkdir(path.join(REPO_ROOT, "docs/screenshots"), { recursive: true });
    await copyFile(
      path.join(REPO_ROOT, "e2e/screenshots/analytics.png"),
      path.join(REPO_ROOT, "docs/screenshots/analytics.png"),
    );
  });

  it("downloads the figures as a CSV with a line per student", async () => {
    const [download] = await Promise.all([
      teacher.waitForEvent("download"),
      teacher.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/analytics\.csv$/);
    const csv = await readFile(await download.path(), "utf8");
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      "user_id,name,edits,characters_typed,pastes,characters_pasted,runs,failed_runs,hands,active_minutes,first_success_at,minutes_to_first_success",
    );
    expect(lines).toHaveLength(1 + NAMES.length);
    const ben = figuresOf("Ben Runner");
    const benLine = lines.find((line) => line.startsWith(`${ben.userId},`));
    expect(benLine).toMatch(
      new RegExp(`^${ben.userId},Ben Runner,${ben.edits},${ben.charactersTyped},0,0,3,2,1,`),
    );
    for (const student of figures.students) expect(csv).toContain(student.userId);
  });

  it("opens a student's page with their sessions, each leading back to its analytics", async () => {
    const ben = figuresOf("Ben Runner");
    await table().getByRole("link", { name: "Ben Runner" }).click();
    await waitForPath(teacher, new RegExp(`^/students/${ben.userId}$`));
    await textOf(teacher.getByRole("heading", { level: 1 }), /^Ben Runner$/);
    const row = teacher.getByTestId("student-session-row");
    expect(await row.count()).toBe(1);
    const cells = (await row.getByRole("cell").allInnerTexts()).map((t) => t.trim());
    expect(cells.slice(1)).toEqual(["Python", "Active", String(ben.edits), "3", "2", "1", "0"]);
    await screenshot(teacher, "student-sessions");
    expect(await axeViolations(teacher)).toBe("");
    await row.getByRole("link", { name: "Loops lab" }).click();
    await waitForPath(teacher, new RegExp(`^/sessions/${session.id}/analytics$`));
    await textOf(teacher.getByRole("heading", { level: 1 }), /^Loops lab$/);
  });

  it("says so when nobody joined", async () => {
    const empty = await createSessionByApi(room.url, room.teacher.token, {
      name: "Empty lab",
      language: "python",
      starterCode: "",
    });
    await teacher.goto(`/sessions/${empty.id}/analytics`);
    await textOf(teacher.getByRole("heading", { name: "Nobody joined this session" }));
    expect(await teacher.getByRole("button", { name: "Download CSV" }).count()).toBe(0);
    expect(await teacher.getByRole("table").count()).toBe(0);
  });
});
