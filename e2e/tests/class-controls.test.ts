import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { Session } from "@observer/protocol";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import { editorText, editorTextMatching, focusEditorEnd } from "../support/editor.ts";
import { REPO_ROOT } from "../support/paths.ts";

const STARTER = 'print("hello")\n';

/**
 * The teacher's class controls in the session header: lock every editor (a student's typing
 * does not change their code, and they see why), deny running, lock the language; unlocked,
 * typing works again. Every change reaches the students' pages live.
 */
describe("class controls: lock editing, deny running, lock the language", () => {
  const room = useClassroom({
    session: { name: "Controls", language: "python", starterCode: STARTER },
    students: ["Ada Controls", "Bob Controls"],
    pages: "everyone",
  });
  let teacher: Page;
  let ada: Page;
  let bob: Page;
  let session: Session;

  beforeAll(() => {
    ({ session } = room);
    [teacher, ada, bob] = [room.teacher.page, room.student(0).page, room.student(1).page];
  });

  const controls = () => teacher.getByRole("group", { name: "Class controls" });
  const toggle = (name: RegExp) => controls().getByRole("button", { name });
  const pressed = async (button: Locator) => (await button.getAttribute("aria-pressed")) === "true";
  const tile = (name: string) =>
    teacher.getByRole("list", { name: "Students" }).getByRole("link", { name: new RegExp(`^${name}`) });
  /** Waits until the toggle shows the state, as the server returned it. */
  async function toggled(button: Locator, on: boolean) {
    await expect.poll(() => pressed(button)).toBe(on);
  }

  it("the teacher locks editing: the students' typing does not change their code, and they see why", async () => {
    await teacher.goto(`/sessions/${session.id}`);
    for (const student of [ada, bob]) {
      await student.goto(`/sessions/${session.id}`);
      await editorTextMatching(student, /print\("hello"\)/);
      await textOf(student.getByTestId("save-state"), /Saved/);
    }
    const lock = toggle(/^Lock editing$/);
    expect(await pressed(lock)).toBe(false);
    // Keyboard operable: focus the toggle and press Space.
    await lock.focus();
    await teacher.keyboard.press("Space");
    await toggled(lock, true);
    await textOf(teacher.getByTestId("class-controls-state"), /Editing locked/);

    for (const student of [ada, bob]) {
      await textOf(student.getByTestId("editing-locked"), /not change it until your teacher unlocks editing/);
      await focusEditorEnd(student);
      await student.keyboard.type("x = 1");
    }
    await ada.waitForTimeout(500);
    for (const student of [ada, bob]) {
      expect(await editorText(student)).toMatch(/^print\("hello"\)\n?$/);
      await textOf(student.getByTestId("save-state"), /Saved/);
    }
    expect(await textOf(tile("Ada Controls").getByTestId("code-preview"))).not.toMatch(/x = 1/);
    await ada.evaluate(() => window.scrollTo(0, 0));
    await screenshot(ada, "student-locked", false);
    await screenshot(teacher, "class-controls", false);
  });

  it("running denied: Run is off with the reason; the language locked offers no other", async () => {
    const deny = toggle(/^Deny running$/);
    await deny.click();
    await toggled(deny, true);
    await textOf(ada.getByTestId("run-blocker"), /Your teacher has paused running programs for now\./);
    expect(await ada.getByRole("button", { name: /^Run/ }).isDisabled()).toBe(true);
    await textOf(ada.getByTestId("editing-locked"), /not change or run it/);

    await deny.click();
    await toggled(deny, false);
    await textOf(ada.getByTestId("editing-locked"), /read and run your code/);
    expect(await ada.getByTestId("run-blocker").count()).toBe(0);

    const language = ada.getByLabel("Language");
    expect(await language.locator("option").count()).toBe(5);
    const lockLanguage = toggle(/^Lock language \(Python\)$/);
    await lockLanguage.click();
    await toggled(lockLanguage, true);
    await expect.poll(() => language.locator("option").allTextContents()).toEqual(["Python"]);
  });

  it("unlocked, typing changes the code again and the teacher sees it", async () => {
    const lock = toggle(/^Lock editing$/);
    await lock.click();
    await toggled(lock, false);
    await textOf(teacher.getByTestId("class-controls-state"), /Editing open/);
    await expect.poll(() => ada.getByTestId("editing-locked").count()).toBe(0);
    await focusEditorEnd(ada);
    await ada.keyboard.type("total = 42");
    await editorTextMatching(ada, /total = 42/);
    await textOf(ada.getByTestId("save-state"), /Saved/);
    await textOf(tile("Ada Controls").getByTestId("code-preview"), /total = 42/);
    // What was typed under the lock never reached the code.
    expect(await editorText(ada)).not.toMatch(/x = 1/);
  });

  afterAll(async () => {
    await mkdir(path.join(REPO_ROOT, "docs/screenshots"), { recursive: true });
    await copyFile(
      path.join(REPO_ROOT, "e2e/screenshots/student-locked.png"),
      path.join(REPO_ROOT, "docs/screenshots/student-locked.png"),
    ).catch(() => undefined);
  });
});
