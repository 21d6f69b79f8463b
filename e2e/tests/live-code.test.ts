import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { Session } from "@observer/protocol";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { textOf, waitForPath } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import { editorText, editorTextMatching, focusEditorEnd, monacoIn } from "../support/editor.ts";
import { REPO_ROOT } from "../support/paths.ts";

const STARTER = 'name = "world"\nprint("hello", name)\n';

/**
 * A teacher and two students, each in their own browser context: what a student types shows
 * on the teacher's dashboard; the teacher types into one student's editor, where the student
 * sees the teacher's named cursor and "is typing", can undo the teacher's change apart from
 * their own, and the other student's code stays as it was.
 */
describe("live code between a teacher and two students", () => {
  // The students join through the link, in the first test.
  const room = useClassroom({
    session: { name: "Live code", language: "python", starterCode: STARTER },
    students: ["Ada Lovelace", "Bob Boole"],
    join: false,
    pages: "everyone",
  });
  let teacher: Page;
  let ada: Page;
  let bob: Page;
  let session: Session;
  let adaId = "";
  let bobId = "";

  beforeAll(() => {
    ({ session } = room);
    [teacher, ada, bob] = [room.teacher.page, room.student(0).page, room.student(1).page];
    [adaId, bobId] = [room.student(0).id, room.student(1).id];
  });

  const tile = (name: string): Locator =>
    teacher.getByRole("list", { name: "Students" }).getByRole("link", { name: new RegExp(`^${name}`) });

  it("students who join appear on the teacher's dashboard live, with their starter code", async () => {
    await teacher.goto(`/sessions/${session.id}`);
    await textOf(teacher.getByRole("main"), /No students yet — share the code/);

    for (const student of [ada, bob]) {
      await student.goto(`/join/${session.joinCode.toLowerCase()}`);
      await waitForPath(student, new RegExp(`^/sessions/${session.id}$`));
      await textOf(student.getByTestId("save-state"), /Saved/);
      await editorTextMatching(student, /print\("hello", name\)/);
    }

    for (const name of ["Ada Lovelace", "Bob Boole"]) {
      await textOf(tile(name), /Online/);
      await textOf(tile(name).getByTestId("code-preview"), /print\("hello", name\)/);
    }
    await textOf(teacher.getByRole("main"), /2 students, 2 online/);
  });

  it("what a student types appears in the teacher's tile, and only in that tile", async () => {
    await focusEditorEnd(ada);
    await ada.keyboard.type("total = 41 + 1");
    await editorTextMatching(ada, /total = 41 \+ 1/);

    await textOf(tile("Ada Lovelace").getByTestId("code-preview"), /total = 41 \+ 1/, 5000);
    await textOf(tile("Ada Lovelace"), /edited (just now|\d+ s ago)/);
    await textOf(ada.getByTestId("save-state"), /Saved/);

    // Bob's tile is untouched: same code, still no edits.
    const bobPreview = await textOf(tile("Bob Boole").getByTestId("code-preview"));
    expect(bobPreview).not.toMatch(/total/);
    expect(await textOf(tile("Bob Boole"))).toMatch(/no edits yet/);

    // Ctrl+Enter is reserved for Run: it does not touch the code.
    const before = await editorText(ada);
    await ada.keyboard.press("Control+Enter");
    await ada.waitForTimeout(300);
    expect(await editorText(ada)).toBe(before);
  });

  it("the teacher opens Ada's editor; Ada sees the teacher's named cursor and typing", async () => {
    await tile("Ada Lovelace").click();
    await waitForPath(teacher, new RegExp(`^/sessions/${session.id}/students/${adaId}$`));
    await textOf(teacher.getByRole("heading", { level: 1 }), /Ada Lovelace/);
    const focusEditor = teacher.getByRole("region", { name: "Ada Lovelace’s code" });
    await editorTextMatching(focusEditor, /total = 41 \+ 1/);
    await textOf(ada.getByTestId("teacher-presence"), /Grace Teacher is viewing your code/);

    await focusEditorEnd(teacher, focusEditor);
    await teacher.keyboard.press("Enter");
    await teacher.keyboard.type("# hint: use a loop");
    await textOf(ada.getByTestId("teacher-presence"), /Grace Teacher is typing/);
    await editorTextMatching(ada, /# hint: use a loop/);
    await textOf(teacher.getByTestId("save-state"), /Saved/);

    // The teacher's cursor in Ada's editor, labelled with the teacher's name in their colour.
    const head = monacoIn(ada).locator(".yRemoteSelectionHead").first();
    await head.waitFor({ state: "attached" });
    const label = await head.evaluate((el) => {
      const after = getComputedStyle(el, "::after");
      return {
        text: after.content,
        background: after.backgroundColor,
        border: getComputedStyle(el).borderLeftColor,
      };
    });
    expect(label.text).toBe('"Grace Teacher"');
    expect(label.background).toBe(label.border);
    expect(label.background).not.toBe("rgba(0, 0, 0, 0)");
    await ada.waitForTimeout(200);
    await screenshot(ada, "student-workspace", false);
    await screenshot(teacher, "focus-view", false);

    // Monaco follows the app's theme: vs-dark when the page turns dark.
    await ada.emulateMedia({ colorScheme: "dark" });
    await ada.waitForFunction(() => document.documentElement.classList.contains("dark"));
    const background = () =>
      ada.evaluate(
        () => getComputedStyle(document.querySelector(".monaco-editor") as Element).backgroundColor,
      );
    await expect.poll(background).toBe("rgb(30, 30, 30)");
    await screenshot(ada, "student-workspace-dark", false);
    await ada.emulateMedia({ colorScheme: "light" });
    await expect.poll(background).toBe("rgb(255, 255, 254)");

    // Once the teacher stops typing, "typing" goes back to "viewing".
    await textOf(ada.getByTestId("teacher-presence"), /Grace Teacher is viewing your code/, 8000);

    // Bob's code never saw any of it.
    expect(await editorText(bob)).not.toMatch(/hint|total/);
  });

  it("Ada's undo only undoes her own typing; a separate button undoes the teacher's change", async () => {
    await monacoIn(ada).locator(".view-lines").click();
    await ada.keyboard.press("Control+z");
    const afterUndo = await editorTextMatching(ada, /^(?![\s\S]*total = 41)[\s\S]*# hint: use a loop/);
    expect(afterUndo).toContain('print("hello", name)');

    const undoTeacher = ada.getByRole("button", { name: "Undo Grace Teacher’s change" });
    await undoTeacher.click();
    const restored = await editorTextMatching(ada, /^(?![\s\S]*# hint)[\s\S]*print\("hello", name\)/);
    expect(restored).not.toMatch(/total/);
    await undoTeacher.waitFor({ state: "detached" });
    // The teacher sees the same.
    await editorTextMatching(
      teacher.getByRole("region", { name: "Ada Lovelace’s code" }),
      /^(?![\s\S]*hint)/,
    );

    // Redo brings back Ada's own line only.
    await monacoIn(ada).locator(".view-lines").click();
    await ada.keyboard.press("Control+Shift+z");
    const redone = await editorTextMatching(ada, /total = 41 \+ 1/);
    expect(redone).not.toMatch(/hint/);
  });

  it("next / previous move between students, and back to the dashboard", async () => {
    await teacher.getByRole("link", { name: "Next" }).click();
    await waitForPath(teacher, new RegExp(`/students/${bobId}$`));
    await textOf(teacher.getByRole("heading", { level: 1 }), /Bob Boole/);
    await textOf(bob.getByTestId("teacher-presence"), /Grace Teacher is viewing your code/);
    // Ada no longer sees the teacher.
    await textOf(ada.getByTestId("teacher-presence"), /^$/);
    await teacher.keyboard.press("Alt+PageUp");
    await waitForPath(teacher, new RegExp(`/students/${adaId}$`));
    await teacher.getByRole("link", { name: "All students" }).click();
    await waitForPath(teacher, new RegExp(`^/sessions/${session.id}$`));
    await textOf(tile("Ada Lovelace").getByTestId("code-preview"), /total = 41 \+ 1/);
  });

  it("the student downloads the code as a file with the language's extension", async () => {
    const [download] = await Promise.all([
      ada.waitForEvent("download"),
      ada.getByRole("button", { name: "Download", exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("live-code.py");
  });

  it("switching the language keeps the code, and the tile follows", async () => {
    await ada.getByLabel("Language").selectOption("javascript");
    await textOf(tile("Ada Lovelace"), /JavaScript/);
    expect(await editorText(ada)).toMatch(/total = 41 \+ 1/);
  });

  it("an edit that would take the code past 256 KB is refused, with a message blaming the paste", async () => {
    const before = await editorText(ada);
    await ada.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: room.url });
    await ada.evaluate(() => navigator.clipboard.writeText("x".repeat(260 * 1024)));
    await focusEditorEnd(ada);
    await ada.keyboard.press("Control+v");
    await textOf(
      ada.getByText(/That paste is/),
      /^That paste is 260 KB, more than the 256 KB limit for code, so it was not pasted\.$/,
    );
    expect(await editorTextMatching(ada, /^(?![\s\S]*xxxx)/)).toBe(before);
    await textOf(ada.getByTestId("save-state"), /Saved/);
    // Nothing reached the server: the teacher's tile has no trace of it.
    await ada.waitForTimeout(300);
    expect(await textOf(tile("Ada Lovelace").getByTestId("code-preview"))).not.toMatch(/xxxx/);
    // A normal edit still goes through.
    await ada.keyboard.type(" # ok");
    await textOf(tile("Ada Lovelace").getByTestId("code-preview"), /# ok/);
  });

  it("a student who loses the network keeps typing; the edits merge when it is back", async () => {
    await bob.context().setOffline(true);
    await textOf(bob.getByTestId("save-state"), /Offline — changes kept/, 5000);
    await focusEditorEnd(bob);
    await bob.keyboard.type("written_offline = True");
    await editorTextMatching(bob, /written_offline = True/);
    await bob.context().setOffline(false);
    await textOf(bob.getByTestId("save-state"), /Saved/, 40_000);
    await textOf(tile("Bob Boole").getByTestId("code-preview"), /written_offline = True/);
  });

  it("ending the session makes the students' editors read-only", async () => {
    await teacher.getByRole("button", { name: "End session" }).click();
    await teacher
      .getByRole("dialog", { name: "End this session?" })
      .getByRole("button", { name: "End session" })
      .click();
    await textOf(ada.getByRole("main"), /This session has ended/);
    // The server closed the document; it reopens (read-only) and reads as saved again.
    await textOf(ada.getByTestId("save-state"), /Saved/);
    const before = await editorText(ada);
    await monacoIn(ada).locator(".view-lines").click();
    await ada.keyboard.type("more");
    await ada.waitForTimeout(500);
    expect(await editorText(ada)).toBe(before);

    await mkdir(path.join(REPO_ROOT, "docs/screenshots"), { recursive: true });
    for (const name of ["student-workspace", "focus-view"]) {
      await copyFile(
        path.join(REPO_ROOT, "e2e/screenshots", `${name}.png`),
        path.join(REPO_ROOT, "docs/screenshots", `${name}.png`),
      );
    }
  });
});
