import type { Session } from "@observer/protocol";
import { sessionReplySchema } from "@observer/protocol";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  joinSessionByApi,
  person,
  registerByApi,
  signUpInUi,
  startRunByApi,
  textOf,
  waitForPath,
} from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { seatClass, useStage } from "../support/classroom.ts";
import { openStudentDocument } from "../support/collab.ts";
import { editorTextMatching } from "../support/editor.ts";

const RUN_MS = 30_000;

/** Records whether a role radio was ever put into the page (before any script of the app runs). */
const WATCH_ROLE_CHOICE = () => {
  const w = window as unknown as { roleChoiceShown: boolean };
  w.roleChoiceShown = false;
  new MutationObserver((records) => {
    for (const record of records)
      for (const node of record.addedNodes)
        if (
          node instanceof Element &&
          (node.matches('input[type="radio"]') || node.querySelector('input[type="radio"]'))
        )
          w.roleChoiceShown = true;
  }).observe(document, { childList: true, subtree: true });
};

const roleChoiceShown = (page: Page) =>
  page.evaluate(() => (window as unknown as { roleChoiceShown: boolean }).roleChoiceShown);

/** The WCAG contrast ratio of a text element against what is painted behind it (alpha layers blended). */
function contrastOf(locator: Locator): Promise<{ ratio: number; fontSize: number }> {
  return locator.evaluate((el) => {
    const canvas = document.createElement("canvas");
    canvas.width = 1;
    canvas.height = 1;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (!ctx) throw new Error("no canvas");
    const rgba = (colour: string): [number, number, number, number] => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = colour;
      ctx.fillRect(0, 0, 1, 1);
      const [r = 0, g = 0, b = 0, a = 0] = ctx.getImageData(0, 0, 1, 1).data;
      return [r, g, b, a / 255];
    };
    // Background: the layers from the root down to the element, blended over white.
    const chain: Element[] = [];
    for (let node: Element | null = el; node; node = node.parentElement) chain.unshift(node);
    let bg: [number, number, number] = [255, 255, 255];
    const blend = (under: [number, number, number], [r, g, b, a]: [number, number, number, number]) =>
      [r * a + under[0] * (1 - a), g * a + under[1] * (1 - a), b * a + under[2] * (1 - a)] as [
        number,
        number,
        number,
      ];
    for (const node of chain) bg = blend(bg, rgba(getComputedStyle(node).backgroundColor));
    const style = getComputedStyle(el);
    const fg = blend(bg, rgba(style.color));
    const luminance = ([r, g, b]: [number, number, number]) => {
      const c = [r, g, b].map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * (c[0] ?? 0) + 0.7152 * (c[1] ?? 0) + 0.0722 * (c[2] ?? 0);
    };
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    return { ratio: ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05), fontSize: Number.parseFloat(style.fontSize) };
  });
}

/**
 * Small things of issue 8 (item 17) around a session's settings: the first account's sign-up
 * never shows the role choice, the teacher edits a session after creating it (name, starter
 * code, time per run) and members see it at once, tiles end long lines with an ellipsis and
 * "No output" is readable.
 */
describe("a session's settings and the first sign-up", () => {
  // The first account signs up in the first test; the class comes after it.
  const stage = useStage();
  let teacher: Page;
  let ada: Page;
  let session: Session;
  let graceToken = "";
  let adaToken = "";
  let adaId = "";

  it("the first account's sign-up never shows the role choice (a later one does)", async () => {
    const first = await stage.page();
    await first.addInitScript(WATCH_ROLE_CHOICE);
    await first.goto("/register");
    await textOf(first.getByRole("main"), /You are setting up this server/);
    expect(await roleChoiceShown(first)).toBe(false);
    await screenshot(first, "register-first-account", false);
    await signUpInUi(first, person("Root Admin", "teacher"));
    await waitForPath(first, /^\/$/);
    await first.context().close();

    // The watcher sees the role choice where there is one.
    const later = await stage.page();
    await later.addInitScript(WATCH_ROLE_CHOICE);
    await later.goto("/register");
    await later.getByRole("radio", { name: /Student/ }).waitFor();
    expect(await roleChoiceShown(later)).toBe(true);
    await later.context().close();
  });

  it("the teacher edits the session (name, starter code, time per run); students see it", async () => {
    const room = await seatClass(stage, {
      admin: false,
      teacher: "Grace Settings",
      session: { name: "Loops", language: "python", starterCode: "print('old')\n" },
      students: ["Ada Settings"],
      pages: "everyone",
    });
    ({ session } = room);
    [teacher, ada] = [room.teacher.page, room.student().page];
    [graceToken, adaToken, adaId] = [room.teacher.token, room.student().token, room.student().id];
    await ada.goto(`/sessions/${session.id}`);
    await editorTextMatching(ada, /print\('old'\)/);
    await teacher.goto(`/sessions/${session.id}`);
    await textOf(teacher.getByRole("heading", { level: 1 }), /^Loops$/);

    await teacher.getByRole("button", { name: "Edit session" }).click();
    const form = teacher.getByRole("form", { name: "Edit session" });
    await form.getByLabel("Session name").fill("Loops, period 4");
    await form.getByLabel("Time per run").selectOption("60");
    await form.getByLabel("Starter code").fill("for i in range(3):\n    print(i)\n");
    await screenshot(teacher, "session-edit-form", false);
    await form.getByRole("button", { name: "Save changes" }).click();
    await form.waitFor({ state: "detached" });
    await textOf(teacher.getByRole("heading", { level: 1 }), /^Loops, period 4$/);
    // Ada's workspace follows at once (the session channel), her code stays hers.
    await textOf(ada.getByRole("heading", { level: 1 }), /^Loops, period 4$/);
    await editorTextMatching(ada, /^print\('old'\)\n?$/);

    const reply = await fetch(`${stage.url}/api/sessions/${session.id}`, {
      headers: { authorization: `Bearer ${graceToken}` },
    });
    const saved = sessionReplySchema.parse(await reply.json()).session;
    expect(saved).toMatchObject({
      name: "Loops, period 4",
      runTimeLimitSeconds: 60,
      starterCode: "for i in range(3):\n    print(i)\n",
    });

    // A student joining now starts from the new starter code.
    const bob = await registerByApi(stage.url, person("Bob Settings", "student"));
    await joinSessionByApi(stage.url, bob.accessToken, session.joinCode);
    const bobDoc = await openStudentDocument(stage.url, session.id, bob.user.id, bob.accessToken);
    expect(bobDoc.code.toString()).toBe("for i in range(3):\n    print(i)\n");
    bobDoc.close();

    // Reopened, the form shows what is saved.
    await teacher.getByRole("button", { name: "Edit session" }).click();
    expect(await form.getByLabel("Time per run").inputValue()).toBe("60");
    await form.getByRole("button", { name: "Cancel" }).click();
  });

  it("tiles end a long line with an ellipsis; 'No output' is at least 12 px and 4.5:1", async () => {
    const doc = await openStudentDocument(stage.url, session.id, adaId, adaToken);
    const code = `message = "${"a very long line that no tile is wide enough to show ".repeat(4)}"\n`;
    doc.write("python", code);
    await doc.saved();
    doc.close();
    const run = await startRunByApi(stage.url, adaToken, session.id, { language: "python", code });
    expect(run.status).toBe(201);

    const tile = teacher.getByRole("list", { name: "Students" }).getByRole("link", { name: /Ada Settings/ });
    await textOf(tile.getByTestId("run-tail"), /^No output$/, RUN_MS);
    const line = tile.getByTestId("code-preview").locator("code > div").first();
    await textOf(line, /^message = "a very long line/);
    const overflow = await line.evaluate((el) => ({
      ellipsis: getComputedStyle(el).textOverflow,
      cut: el.scrollWidth > el.clientWidth,
    }));
    expect(overflow).toEqual({ ellipsis: "ellipsis", cut: true });

    const noOutput = tile.getByTestId("run-tail").locator("p");
    const light = await contrastOf(noOutput);
    expect(light.fontSize).toBeGreaterThanOrEqual(12);
    expect(light.ratio).toBeGreaterThanOrEqual(4.5);
    await teacher.emulateMedia({ colorScheme: "dark" });
    await expect.poll(async () => (await contrastOf(noOutput)).ratio).toBeGreaterThanOrEqual(4.5);
    await screenshot(teacher, "tile-ellipsis-dark", false);
    await teacher.emulateMedia({ colorScheme: "light" });
  });
});
