import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeProvider } from "../../packages/server/test/fakes/fake-provider.ts";
import { startOpenAiFake } from "../../packages/server/test/fakes/openai-fake.ts";
import { axeViolations } from "../support/a11y.ts";
import { textOf } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import { REPO_ROOT } from "../support/paths.ts";
import { waitForText } from "../support/wait.ts";

/** Runs in the real sandbox can take a while on a small machine. */
const RUN_MS = 30_000;
/** What the student's program does: an IndexError on line 2. */
const FAILING = "xs = [1]\nprint(xs[3])\n";

/** The text of every message the fake provider was sent in its request number `index`. */
function promptOf(fake: FakeProvider, index: number): string {
  const body = fake.requests[index]?.body as { messages?: { content: unknown }[] } | undefined;
  return JSON.stringify(body?.messages ?? []);
}

/**
 * AI help end to end, against a fake OpenAI-compatible server started here: the teacher saves
 * the provider on the Settings page and tests the connection, turns the session to hints
 * only; the student runs failing code, asks "Explain this error" and reads the streamed
 * answer (the fake received their code and the run's output), asks a question of their own,
 * and closes the panel while an answer is on its way (the request to the provider is
 * cancelled). The teacher sees every exchange in the log, the AI marker on the student's tile,
 * and the class digest names the failing student.
 */
describe("AI help", () => {
  const room = useClassroom({
    session: { name: "AI lab", language: "python", starterCode: FAILING },
    students: ["Ada Asker"],
    pages: "everyone",
    pageOptions: { viewport: { width: 1360, height: 900 } },
  });
  let fake: FakeProvider;
  let teacher: Page;
  let ada: Page;

  beforeAll(async () => {
    fake = await startOpenAiFake();
    [teacher, ada] = [room.teacher.page, room.student().page];
  });
  afterAll(async () => {
    await fake?.close();
  });

  /** The teacher switches the fake's model through the API (the key stays), which picks its behaviour. */
  const useModel = async (model: string) => {
    const reply = await fetch(`${room.url}/api/settings/ai`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${room.teacher.token}` },
      body: JSON.stringify({ provider: "openai-compatible", model, baseUrl: fake.baseUrl }),
    });
    expect(reply.status).toBe(200);
  };
  const settingsCard = () => teacher.getByRole("region", { name: "AI help" });
  const studentPanel = () => ada.getByRole("region", { name: "AI help" });
  const logPanel = () => teacher.getByTestId("ai-log-panel");

  it("the teacher saves an OpenAI-compatible server on the Settings page and tests the connection", async () => {
    await teacher.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await teacher.waitForURL((url) => url.pathname === "/settings");
    await settingsCard().getByLabel("Provider").selectOption("openai-compatible");
    await settingsCard().getByLabel("Model").fill("gpt-fake");
    await settingsCard().getByLabel("Base URL").fill(fake.baseUrl);
    await settingsCard()
      .getByLabel(/API key/)
      .fill(fake.apiKey);
    await settingsCard().getByRole("button", { name: "Save" }).click();
    await textOf(settingsCard().getByRole("status"), /Saved/);
    // The key is never shown again: only its last 4 characters.
    expect(await textOf(settingsCard().getByTestId("ai-key-masked"))).toBe(`••••${fake.apiKey.slice(-4)}`);
    expect(await teacher.content()).not.toContain(fake.apiKey);

    await settingsCard().getByRole("button", { name: "Test connection" }).click();
    const result = await textOf(settingsCard().getByTestId("ai-test-result"), /Connected/, 20_000);
    expect(result).toMatch(/\(\d+ ms\)$/);
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);

    // "Replace key" asks for a new one; keeping the current one leaves it as it was.
    await settingsCard().getByRole("button", { name: "Replace key" }).click();
    expect(await settingsCard().getByLabel("New API key").isVisible()).toBe(true);
    await settingsCard().getByRole("button", { name: "Keep the current key" }).click();
    await textOf(settingsCard().getByTestId("ai-key-masked"), /••••/);

    // The settings as they load anew.
    await teacher.reload();
    expect(await settingsCard().getByLabel("Base URL").inputValue()).toBe(fake.baseUrl);
    await textOf(settingsCard().getByTestId("ai-key-masked"), /abcd$/);
    await screenshot(teacher, "ai-settings", false);
    expect(await axeViolations(teacher)).toBe("");
  });

  it("the teacher gives the class hints only, at most 10 questions an hour each", async () => {
    await teacher.goto(`/sessions/${room.session.id}`);
    const summary = logPanel().getByTestId("ai-mode-summary");
    await textOf(summary, /no AI help/);
    await logPanel().getByText("Hints only", { exact: true }).click();
    await textOf(summary, /hints and explanations, never a solution; no limit/);
    await logPanel().getByLabel("Questions per student per hour").fill("10");
    await logPanel().getByRole("button", { name: "Set" }).click();
    await textOf(summary, /at most 10 questions an hour each/);
    expect(await logPanel().getByRole("radio", { name: "Hints only" }).isChecked()).toBe(true);
  });

  it("the student runs failing code, asks to explain the error and reads the streamed answer", async () => {
    await ada.goto(`/sessions/${room.session.id}`);
    await textOf(ada.getByTestId("save-state"), /Saved/);
    const terminal = ada.getByRole("region", { name: "Terminal" });
    // No "Explain this error" before a run failed.
    expect(await terminal.getByRole("button", { name: "Explain this error" }).count()).toBe(0);
    await ada.getByRole("button", { name: /^Run/ }).first().click();
    await textOf(ada.getByTestId("run-status"), /Exited with code 1/, RUN_MS);

    const asked = fake.requests.length;
    await terminal.getByRole("button", { name: "Explain this error" }).click();
    await textOf(studentPanel().getByTestId("ai-mode"), /Hints only, set by your teacher/);
    const answer = studentPanel().getByTestId("ai-answer").last();
    await textOf(answer, /A hint\.[\s\S]*Try it with a list of two items\./, 20_000);
    await textOf(studentPanel().getByTestId("ai-exchange").last(), /Explain this error/);
    expect(await studentPanel().getByTestId("ai-exchange").last().getAttribute("data-status")).toBe(
      "answered",
    );
    // The code block came as Markdown and is shown as code, highlighted (not as text with fences).
    const code = answer.locator("pre code");
    expect(await textOf(code)).toContain("for i in range(len(xs)):");
    expect(await textOf(answer)).not.toContain("```");
    await waitForText(
      async () => String(await code.locator("span[class*='text-[#0000ff]']").count()),
      /^[1-9]/,
      10_000,
      () => "the answer's code block was never highlighted",
    );

    // What the provider got: the student's code and the run's output, which the server added.
    const prompt = promptOf(fake, asked);
    expect(fake.requests[asked]?.model).toBe("gpt-fake");
    expect(prompt).toContain("print(xs[3])");
    expect(prompt).toContain("IndexError");

    await screenshot(ada, "ai-student-panel", false);
    expect(await axeViolations(ada)).toBe("");
    // The dark theme too, for a look (not in docs/).
    await ada.emulateMedia({ colorScheme: "dark" });
    await screenshot(ada, "ai-student-panel-dark", false);
    expect(await axeViolations(ada)).toBe("");
    await ada.emulateMedia({ colorScheme: "light" });
  });

  it("the student asks a question of their own; closing the panel cancels an answer on its way", async () => {
    const box = studentPanel().getByLabel("Your question");
    await box.fill("Why does my list stop early?");
    await box.press("Enter");
    await textOf(studentPanel().getByTestId("ai-exchange").last(), /Why does my list stop early\?/);
    await textOf(studentPanel().getByTestId("ai-answer").last(), /Try it with a list of two items\./, 20_000);
    expect(promptOf(fake, fake.requests.length - 1)).toContain("Why does my list stop early?");

    // A model that stalls after its first words: the student closes the panel meanwhile.
    await useModel("fake-stall");
    const before = fake.requests.length;
    await ada.getByRole("button", { name: "Give me a hint" }).first().click();
    const hint = studentPanel().getByTestId("ai-exchange").last();
    await waitForText(
      async () => (await hint.getAttribute("data-status")) ?? undefined,
      /^streaming$/,
      15_000,
      (last) => `the hint never started streaming (${last})`,
    );
    expect(fake.requests[before]?.model).toBe("fake-stall");
    await studentPanel().getByRole("button", { name: "Close AI help" }).click();
    expect(await studentPanel().count()).toBe(0);
    await waitForText(
      async () => String(fake.requests[before]?.closedEarly),
      /^true$/,
      15_000,
      () => "the server never cancelled the request to the provider",
    );
  });

  it("the teacher sees every exchange in the log, the tile's AI marker, and the class digest", async () => {
    await teacher.goto(`/sessions/${room.session.id}`);
    const entries = logPanel().getByTestId("ai-log-entry");
    await waitForText(
      async () => String(await entries.count()),
      /^3$/,
      15_000,
      (last) => `the log showed ${last} exchanges, not 3`,
    );
    // Newest first: the cancelled hint, the question, the explanation.
    await textOf(entries.nth(0), /Ada Asker[\s\S]*Give me a hint[\s\S]*cancelled/);
    await textOf(entries.nth(1), /Question[\s\S]*answered[\s\S]*Why does my list stop early\?/);
    await textOf(entries.nth(2), /Explain this error[\s\S]*answered[\s\S]*A hint\./);
    await textOf(logPanel().getByRole("heading", { level: 2 }), /3 questions from 1 student/);

    const badge = teacher.getByTestId("student-tile").getByTestId("ai-badge");
    await textOf(badge, /AI\s*questions:\s*3|AI 3/);
    expect(await badge.getAttribute("title")).toBe("Asked the AI 3 times; last: Give me a hint");

    // The full answer, rendered.
    await entries
      .nth(2)
      .getByRole("button", { name: /Show the answer/ })
      .click();
    await textOf(entries.nth(2).locator("pre code"), /for i in range\(len\(xs\)\):/);

    await entries
      .nth(2)
      .getByRole("button", { name: /Hide the answer/ })
      .click();

    // A live question arrives while the teacher watches.
    await useModel("gpt-fake");
    await ada.getByRole("button", { name: "Give me a hint" }).first().click();
    await textOf(studentPanel().getByTestId("ai-answer").last(), /Try it with a list of two items\./, 20_000);
    await textOf(entries.nth(0), /Give me a hint[\s\S]*answered[\s\S]*A hint\./);
    await textOf(badge, /4/);

    await logPanel().getByRole("button", { name: "Class digest" }).click();
    const cluster = logPanel().getByTestId("ai-digest-cluster");
    await textOf(cluster.first(), /1 student/, 20_000);
    expect(await cluster.first().getByRole("link", { name: "Ada Asker" }).getAttribute("href")).toBe(
      `/sessions/${room.session.id}/students/${room.student().id}`,
    );
    await textOf(logPanel().getByTestId("ai-digest"), /1 student with a failing run/);

    // The newest exchange at the top of the log, as a teacher who did not scroll it sees it.
    await logPanel()
      .getByTestId("ai-log")
      .evaluate((list) => {
        list.scrollTop = 0;
      });
    await screenshot(teacher, "ai-teacher-log");
    expect(await axeViolations(teacher)).toBe("");
    await teacher.emulateMedia({ colorScheme: "dark" });
    await screenshot(teacher, "ai-teacher-log-dark");
    expect(await axeViolations(teacher)).toBe("");
    await teacher.emulateMedia({ colorScheme: "light" });
    await mkdir(path.join(REPO_ROOT, "docs/screenshots"), { recursive: true });
    for (const name of ["ai-student-panel", "ai-teacher-log"]) {
      await copyFile(
        path.join(REPO_ROOT, `e2e/screenshots/${name}.png`),
        path.join(REPO_ROOT, `docs/screenshots/${name}.png`),
      );
    }

    // The digest's student opens her focus view, with her questions to the AI.
    await cluster.first().getByRole("link", { name: "Ada Asker" }).click();
    await textOf(teacher.getByTestId("student-ai-log"), /Ada Asker’s questions to the AI · 4/);
    expect(await teacher.getByTestId("student-ai-log").getByTestId("ai-log-entry").count()).toBe(4);
    expect(await axeViolations(teacher)).toBe("");
  });

  it("failures reach the student in clear words; turning AI help off takes the tools away live", async () => {
    await teacher.goto(`/sessions/${room.session.id}`);
    await textOf(logPanel().getByRole("heading", { level: 2 }), /4 questions/);
    // A model that hands over a whole solution: hints mode cuts its code, and says so.
    await useModel("fake-solution");
    await ada.getByRole("button", { name: "Give me a hint" }).first().click();
    const solution = studentPanel().getByTestId("ai-exchange").last();
    await textOf(solution.getByTestId("ai-cut-note"), /Code shortened/, 20_000);
    const shown = await textOf(solution.getByTestId("ai-answer"));
    expect(shown).toContain("def read_numbers(text):");
    expect(shown).not.toContain("def largest(xs):");
    await textOf(logPanel().getByTestId("ai-log-entry").first(), /code cut \(hints\)/);

    // The provider is down: the student is told, the teacher's log shows the failure.
    await useModel("fake-down");
    await ada.getByRole("button", { name: "Give me a hint" }).first().click();
    const problem = studentPanel().getByTestId("ai-problem").last();
    await textOf(problem, /./, 20_000);
    expect(await problem.getAttribute("data-code")).toBe("ai_provider_error");
    await textOf(studentPanel().getByTestId("ai-exchange").last(), /The AI service failed/);
    await textOf(logPanel().getByTestId("ai-log-entry").first(), /Give me a hint[\s\S]*failed/);

    // One question an hour, and Ada asked more: the limit, in words.
    await useModel("gpt-fake");
    await logPanel().getByLabel("Questions per student per hour").fill("1");
    await logPanel().getByRole("button", { name: "Set" }).click();
    await textOf(logPanel().getByTestId("ai-mode-summary"), /at most 1 question an hour each/);
    await ada.getByRole("button", { name: "Give me a hint" }).first().click();
    await textOf(studentPanel().getByTestId("ai-exchange").last(), /Question limit reached/, 20_000);
    expect(await studentPanel().getByTestId("ai-problem").last().getAttribute("data-code")).toBe(
      "ai_limit_reached",
    );

    // AI help off: the panel and the buttons go, at once.
    await logPanel().getByText("Off", { exact: true }).click();
    await textOf(logPanel().getByTestId("ai-mode-summary"), /no AI help/);
    await waitForText(
      async () =>
        String(await ada.getByRole("button", { name: /Give me a hint|Explain this error/ }).count()),
      /^0$/,
      15_000,
      (last) => `the student still had ${last} AI buttons`,
    );
    expect(await studentPanel().count()).toBe(0);
  });
});
