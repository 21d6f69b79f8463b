import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { Session, UpdateSessionBody } from "@observer/protocol";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "../support/a11y.ts";
import { textOf, waitForPath } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import { editorText, editorTextMatching, focusEditorEnd, monacoIn } from "../support/editor.ts";
import { REPO_ROOT } from "../support/paths.ts";
import { terminalTextMatching } from "../support/terminal.ts";

const STARTER = 'name = "world"\nprint("hello", name)\n';
/** Runs in the real sandbox can take a while on a small machine. */
const RUN_MS = 30_000;

/**
 * The teacher's broadcast: the teacher opens the broadcast editor from the dashboard, turns
 * it on and types; two students see the code live beside their own; a student copies it into
 * their editor (asked first when they have code of their own: Cancel keeps theirs, Replace
 * takes the teacher's, and the server has it; one undo brings theirs back); copying is off
 * while editing is locked; the teacher runs the broadcast code in their own terminal; off
 * hides it for both students.
 */
describe("broadcast: the teacher's code beside every student's", () => {
  const room = useClassroom({
    session: { name: "Broadcast", language: "python", starterCode: STARTER },
    students: ["Ada Broadcast", "Bob Broadcast"],
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

  const panel = (page: Page) => page.getByRole("region", { name: "Grace Teacher’s code" });
  const ownEditor = (page: Page) => page.getByRole("region", { name: "Editor" });
  const broadcastEditor = () => teacher.getByRole("region", { name: "Your broadcast code" });
  const showToggle = () => teacher.getByRole("button", { name: "Show to students" });
  const copyButton = (page: Page) => panel(page).getByRole("button", { name: "Copy into my editor" });
  const pressed = async (button: Locator) => (await button.getAttribute("aria-pressed")) === "true";

  /** Changes the session as its teacher, through the API (the class controls' request). */
  async function patchSession(body: UpdateSessionBody) {
    const response = await fetch(`${room.url}/api/sessions/${session.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${room.teacher.token}` },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  }

  it("the teacher turns it on and types: both students see each batch of keystrokes live", async () => {
    for (const student of [ada, bob]) {
      await student.goto(`/sessions/${session.id}`);
      await editorTextMatching(ownEditor(student), /print\("hello", name\)/);
      await textOf(student.getByTestId("save-state"), /Saved/);
      expect(await panel(student).count()).toBe(0);
    }

    await teacher.goto(`/sessions/${session.id}`);
    await teacher.getByRole("link", { name: "Broadcast", exact: true }).click();
    await waitForPath(teacher, new RegExp(`^/sessions/${session.id}/broadcast$`));
    // The broadcast starts from the session's language and starter code.
    await editorTextMatching(broadcastEditor(), /print\("hello", name\)/);
    expect(await pressed(showToggle())).toBe(false);
    await textOf(teacher.getByTestId("broadcast-state"), /Students do not see this code/);

    // Keyboard operable, like the class controls.
    await showToggle().focus();
    await teacher.keyboard.press("Space");
    await expect.poll(() => pressed(showToggle())).toBe(true);
    await textOf(teacher.getByTestId("broadcast-state"), /Students see this code/);

    for (const student of [ada, bob]) {
      await textOf(student.getByTestId("broadcast-announcement"), /Your teacher is sharing their code/);
      await editorTextMatching(panel(student), /print\("hello", name\)/);
      await textOf(panel(student).getByTestId("broadcast-language"), /^Python$/);
    }

    // The teacher replaces the starter with their own code, one batch at a time.
    await monacoIn(broadcastEditor()).locator(".view-lines").click();
    await teacher.keyboard.press("Control+A");
    await teacher.keyboard.type('greeting = "from the teacher"');
    for (const student of [ada, bob])
      await editorTextMatching(panel(student), /^greeting = "from the teacher"$/);
    await teacher.keyboard.press("Enter");
    await teacher.keyboard.type("print(greeting)");
    for (const student of [ada, bob])
      await editorTextMatching(panel(student), /^greeting = "from the teacher"\nprint\(greeting\)$/);
    await textOf(teacher.getByTestId("save-state"), /Saved/);

    await ada.evaluate(() => window.scrollTo(0, 0));
    await screenshot(ada, "broadcast", false);
    // The students' own code is untouched, and the panel is read-only.
    expect(await editorText(ownEditor(ada))).toMatch(/print\("hello", name\)/);
    await monacoIn(panel(ada)).locator(".view-lines").click();
    await ada.keyboard.type("oops");
    await ada.waitForTimeout(300);
    expect(await editorText(panel(ada))).not.toMatch(/oops/);
    await editorTextMatching(broadcastEditor(), /^greeting = "from the teacher"\nprint\(greeting\)$/);

    // Both pages pass axe (names, contrast, roles), in the light and the dark theme.
    for (const scheme of ["light", "dark"] as const) {
      for (const page of [ada, teacher]) {
        await page.emulateMedia({ colorScheme: scheme });
        await expect
          .poll(() => page.evaluate(() => document.documentElement.classList.contains("dark")))
          .toBe(scheme === "dark");
        // Let the colour transitions, Monaco and xterm settle in the new theme before axe reads them.
        await page.waitForTimeout(300);
        expect(await axeViolations(page), `${scheme}`).toBe("");
      }
    }
    for (const page of [ada, teacher]) await page.emulateMedia({ colorScheme: "light" });
  });

  it("copying asks a student with code of their own first: Cancel keeps theirs, Replace takes the teacher's", async () => {
    await copyButton(ada).click();
    const dialog = ada.getByRole("dialog", { name: "Replace your code?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await editorText(ownEditor(ada))).toMatch(/^name = "world"\nprint\("hello", name\)/);

    await copyButton(ada).click();
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Replace" }).click();
    await editorTextMatching(ownEditor(ada), /^greeting = "from the teacher"\nprint\(greeting\)$/);
    await textOf(ada.getByTestId("save-state"), /Saved/);
    // The server has it: Ada's document read from Node.
    const stored = await room.document(room.student(0));
    expect(stored.code.toString()).toBe('greeting = "from the teacher"\nprint(greeting)');
    stored.close();

    // One undo (in her editor, which has the focus after copying) brings her own code back.
    await ada.keyboard.press("Control+Z");
    await editorTextMatching(ownEditor(ada), /^name = "world"\nprint\("hello", name\)\n?$/);
    await ada.keyboard.press("Control+Shift+Z");
    await editorTextMatching(ownEditor(ada), /^greeting = "from the teacher"\nprint\(greeting\)$/);
  });

  it("a student with an empty editor gets it at once; while editing is locked, copying is off with the reason", async () => {
    await focusEditorEnd(bob, ownEditor(bob));
    await bob.keyboard.press("Control+A");
    await bob.keyboard.press("Delete");
    await editorTextMatching(ownEditor(bob), /^$/);
    await copyButton(bob).click();
    await editorTextMatching(ownEditor(bob), /^greeting = "from the teacher"\nprint\(greeting\)$/);
    expect(await bob.getByRole("dialog").count()).toBe(0);
    await textOf(bob.getByTestId("save-state"), /Saved/);

    await patchSession({ editing: "locked" });
    await expect.poll(() => copyButton(bob).isDisabled()).toBe(true);
    await textOf(panel(bob).getByTestId("broadcast-copy-blocker"), /Your teacher locked editing/);
    await patchSession({ editing: "open" });
    await expect.poll(() => copyButton(bob).isDisabled()).toBe(false);
    expect(await panel(bob).getByTestId("broadcast-copy-blocker").count()).toBe(0);
  });

  it("the teacher runs the broadcast code and sees its output in their own terminal", async () => {
    const terminal = teacher.getByRole("region", { name: "Your terminal" });
    await terminal.getByRole("button", { name: /^Run/ }).click();
    await terminalTextMatching(terminal, /from the teacher/, RUN_MS);
    // The run is the teacher's: no student's terminal shows it.
    expect(await ada.getByTestId("started-for-me").count()).toBe(0);
  });

  it("off hides it for both students; the dashboard shows while it is on", async () => {
    await teacher.getByRole("link", { name: /All students/ }).click();
    await waitForPath(teacher, new RegExp(`^/sessions/${session.id}$`));
    await textOf(teacher.getByTestId("broadcasting-badge"), /Broadcasting/);

    await teacher.getByRole("link", { name: "Broadcast", exact: true }).click();
    await showToggle().click();
    await expect.poll(() => pressed(showToggle())).toBe(false);
    for (const student of [ada, bob]) {
      await expect.poll(() => panel(student).count()).toBe(0);
      await textOf(student.getByTestId("broadcast-announcement"), /Your teacher stopped sharing their code/);
    }
    await teacher.getByRole("link", { name: /All students/ }).click();
    await expect.poll(() => teacher.getByTestId("broadcasting-badge").count()).toBe(0);
  });

  afterAll(async () => {
    await mkdir(path.join(REPO_ROOT, "docs/screenshots"), { recursive: true });
    await copyFile(
      path.join(REPO_ROOT, "e2e/screenshots/broadcast.png"),
      path.join(REPO_ROOT, "docs/screenshots/broadcast.png"),
    ).catch(() => undefined);
  });
});
