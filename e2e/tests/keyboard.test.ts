import type { Session } from "@observer/protocol";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { logInAt, textOf, waitForPath } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import type { NodeStudent } from "../support/collab.ts";
import { editorTextMatching, focusEditorEnd } from "../support/editor.ts";
import { terminalTextMatching } from "../support/terminal.ts";
import { waitForText } from "../support/wait.ts";

/** Runs in the real sandbox can take a while on a small machine. */
const RUN_MS = 30_000;

const PROGRAM = 'name = input("Name? ")\nprint(f"Hello, {name}!")\n';

/** Where the keyboard focus is: "editor", "terminal", or the focused element's tag and text. */
function focusOf(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement;
    if (!active || active === document.body) return "body";
    if (active.closest(".monaco-editor")) return "editor";
    if (active.closest('[data-testid="run-terminal"]')) return "terminal";
    // biome-ignore lint/performance/useDomNodeTextContent: the name a person sees on the focused element.
    return `${active.tagName.toLowerCase()}: ${(active as HTMLElement).innerText.trim()}`;
  });
}

/** Waits until the focus is where `pattern` says (the focus moves after a socket message). */
function focusBecomes(page: Page, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  return waitForText(
    () => focusOf(page),
    pattern,
    timeoutMs,
    (last) => `the focus did not move to ${pattern}; it is on ${last}`,
    50,
  );
}

/**
 * The keyboard in a class (issue 8, items 10, 11 and 17): answering an input() prompt right
 * after Ctrl+Enter, leaving the editor by keyboard (Esc then Tab, Ctrl+M, arriving by Tab),
 * the teacher's focus view opened by keyboard never typing into the student's code, Run
 * during a run, the notice of a run the teacher started, and Run above the fold on a phone.
 * (The size message of a refused paste is in live-code.test.ts.)
 */
describe("the keyboard in a class", () => {
  // Grace is the install's first account (its admin) here.
  const room = useClassroom({
    admin: false,
    teacher: "Grace Keys",
    session: { name: "Keys", language: "python" },
    students: ["Ada Keys"],
    pages: "everyone",
  });
  let teacher: Page;
  let ada: Page;
  let session: Session;
  let adaDoc: NodeStudent;

  const status = (page: Page) => page.getByTestId("run-status");
  const runButton = (page: Page): Locator => page.getByRole("button", { name: /^Run/ }).first();

  beforeAll(async () => {
    ({ session } = room);
    [teacher, ada] = [room.teacher.page, room.student().page];
    adaDoc = await room.document(room.student());
    adaDoc.write("python", PROGRAM);
    await adaDoc.saved();
    await ada.goto(`/sessions/${session.id}`);
    await editorTextMatching(ada, /name = input/);
    await textOf(ada.getByTestId("save-state"), /Saved/);
  });

  it("after Ctrl+Enter the terminal has the focus: typing answers input() (no click), Esc goes back to the code", async () => {
    await focusEditorEnd(ada);
    await ada.keyboard.press("Control+Enter");
    await terminalTextMatching(ada, /Name\?$/, RUN_MS);
    await focusBecomes(ada, /^terminal$/);

    // Run is off while the program runs, and says so.
    await textOf(runButton(ada), /^Running…$/);
    expect(await runButton(ada).isDisabled()).toBe(true);
    await screenshot(ada, "keyboard-running", false);

    await ada.keyboard.type("Ada");
    await ada.keyboard.press("Enter");
    await terminalTextMatching(ada, /Name\? Ada\nHello, Ada!/, RUN_MS);
    await textOf(status(ada), /Finished after/, RUN_MS);
    // Nothing of the answer went into the code.
    expect(adaDoc.code.toString()).toBe(PROGRAM);
    await textOf(runButton(ada), /^Run/);
    expect(await runButton(ada).isDisabled()).toBe(false);

    // The hint says how to get back; Esc does it.
    await focusBecomes(ada, /^terminal$/);
    await textOf(ada.getByTestId("terminal-keys-hint"), /Esc: back to the code/);
    await ada.keyboard.press("Escape");
    await focusBecomes(ada, /^editor$/);
  });

  it("the student leaves the editor with Esc then Tab and reaches Run; Tab still indents while typing", async () => {
    await focusEditorEnd(ada);
    await textOf(ada.getByTestId("editor-keys-hint"), /Esc then Tab: leave the editor/);
    await ada.keyboard.press("Escape");
    await textOf(ada.getByTestId("editor-keys-hint"), /^Tab: leave the editor$/);
    await ada.keyboard.press("Tab");
    expect(await focusOf(ada)).toBe("button: Run");
    // Shift+Tab goes back into the editor; arriving by Tab, the next Tab leaves again.
    await ada.keyboard.press("Shift+Tab");
    expect(await focusOf(ada)).toBe("editor");
    await ada.keyboard.press("Tab");
    expect(await focusOf(ada)).toBe("button: Run");
    expect(adaDoc.code.toString()).toBe(PROGRAM);

    // Typing first, Tab indents as before.
    await focusEditorEnd(ada);
    await ada.keyboard.type("#");
    await ada.keyboard.press("Tab");
    await ada.keyboard.type("x");
    await editorTextMatching(ada, /# {3}x$/);
    expect(await focusOf(ada)).toBe("editor");

    // Ctrl+M: Tab moves the focus until Ctrl+M again.
    await ada.keyboard.press("Control+M");
    await textOf(ada.getByTestId("editor-keys-hint"), /^Tab moves focus/);
    await ada.keyboard.press("Tab");
    expect(await focusOf(ada)).toBe("button: Run");
    await ada.keyboard.press("Shift+Tab");
    await ada.keyboard.press("Control+M");
    await ada.keyboard.type("y");
    await ada.keyboard.press("Tab");
    await ada.keyboard.type("z");
    await editorTextMatching(ada, /# {3}xy {2}z$/);
    // Put the program back for the runs below.
    adaDoc.write("python", PROGRAM);
    await adaDoc.saved();
    await editorTextMatching(ada, /^name = input\("Name\? "\)\nprint\(f"Hello, \{name\}!"\)\n?$/);
  });

  it("the teacher opens the focus view by keyboard: the focus is on the page, 14 Tabs type nothing into the code", async () => {
    await teacher.goto(`/sessions/${session.id}`);
    const tile = teacher.getByRole("list", { name: "Students" }).getByRole("link", { name: /Ada Keys/ });
    await tile.focus();
    await teacher.keyboard.press("Enter");
    await waitForPath(teacher, new RegExp(`^/sessions/${session.id}/students/${room.student().id}$`));
    await editorTextMatching(teacher, /name = input/);
    expect(await focusOf(teacher)).toBe("h1: Ada Keys");
    for (let i = 0; i < 14; i++) await teacher.keyboard.press("Tab");
    // The Tabs went through the page (the editor included) and typed nothing.
    await teacher.waitForTimeout(500);
    expect(adaDoc.code.toString()).toBe(PROGRAM);
    await screenshot(teacher, "keyboard-focus-view", false);
  });

  it("the student is told that the teacher ran their code (and keeps their focus); the teacher types the answer at once", async () => {
    await focusEditorEnd(ada);
    await teacher.getByRole("button", { name: /Run student’s code/ }).click();
    await terminalTextMatching(ada, /^Name\?$/, RUN_MS);
    await textOf(ada.getByTestId("started-for-me"), /^Grace Keys ran your code/);
    expect(await focusOf(ada)).toBe("editor");
    await screenshot(ada, "keyboard-teacher-ran", false);

    // The teacher started it: their terminal has the focus.
    await focusBecomes(teacher, /^terminal$/);
    await teacher.keyboard.type("Grace");
    await teacher.keyboard.press("Enter");
    await terminalTextMatching(ada, /Name\? Grace\nHello, Grace!/, RUN_MS);
    await textOf(ada.getByTestId("started-for-me"), /Its output is in the terminal/, RUN_MS);
    expect(adaDoc.code.toString()).toBe(PROGRAM);
  });

  it("on a phone, Run is above the fold", async () => {
    const phone = await room.page({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await logInAt(phone, room.student().account);
    await phone.goto(`/sessions/${session.id}`);
    await editorTextMatching(phone, /name = input/);
    const box = await runButton(phone).boundingBox();
    expect(box).not.toBeNull();
    expect(box?.y ?? 1e9).toBeGreaterThanOrEqual(0);
    expect((box?.y ?? 1e9) + (box?.height ?? 0)).toBeLessThanOrEqual(844);
    await screenshot(phone, "keyboard-phone", false);
    await phone.context().close();
  });
});
