import { copyFile } from "node:fs/promises";
import path from "node:path";
import type { Session } from "@observer/protocol";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import { editorTextMatching, focusEditorEnd, monacoIn } from "../support/editor.ts";
import { REPO_ROOT } from "../support/paths.ts";

const STARTER = "a = 1\nb = 2\nprint(a / 0)\nprint(b)\n";

/**
 * The help queue end to end: a student raises a hand about line 3 with a message; the teacher
 * sees it in the queue, opens the student's code at that line (highlighted), and resolves it;
 * the student's place in line follows as classmates raise and lower theirs.
 */
describe("help queue: raise a hand, be seen in order, be helped", () => {
  const room = useClassroom({
    session: { name: "Help", language: "python", starterCode: STARTER },
    students: ["Ada Hand", "Bob Hand", "Cy Hand"],
    pages: "everyone",
  });
  let teacher: Page;
  let ada: Page;
  let bob: Page;
  let cy: Page;
  let session: Session;

  beforeAll(() => {
    ({ session } = room);
    [teacher, ada, bob, cy] = [
      room.teacher.page,
      room.student(0).page,
      room.student(1).page,
      room.student(2).page,
    ];
  });

  const queue = () => teacher.getByRole("region", { name: /Help queue/ });
  const raise = async (student: Page, message?: string, aboutLine?: number) => {
    await student.getByRole("button", { name: "Raise hand" }).click();
    const form = student.getByRole("form", { name: "Raise your hand" });
    if (message) await form.getByLabel(/What do you need help with/).fill(message);
    if (aboutLine) await form.getByLabel(`Ask about line ${aboutLine}`).check();
    await form.getByRole("button", { name: "Raise hand" }).click();
  };
  const status = (student: Page, pattern: RegExp) => textOf(student.getByTestId("hand-status"), pattern);

  it("a hand about line 3 reaches the teacher's queue, in order, and the student sees their place", async () => {
    await teacher.goto(`/sessions/${session.id}`);
    for (const student of [ada, bob, cy]) {
      await student.goto(`/sessions/${session.id}`);
      await editorTextMatching(student, /print\(a \/ 0\)/);
    }
    await textOf(queue(), /nobody waiting/);

    // Bob first, then Ada from line 3 of her code.
    await raise(bob);
    await status(bob, /1st in line/);
    // The cursor on line 3: the end of the code (line 5, empty), then up twice.
    await focusEditorEnd(ada);
    await ada.keyboard.press("ArrowUp");
    await ada.keyboard.press("ArrowUp");
    await raise(ada, "Why does line 3 crash?", 3);
    await status(ada, /2nd in line/);

    const hands = queue().getByTestId("help-queue-hand");
    await expect.poll(() => hands.count()).toBe(2);
    expect(await textOf(hands.nth(0))).toMatch(/^1\. Bob Hand/);
    expect(await textOf(hands.nth(0))).not.toMatch(/line/);
    expect(await textOf(hands.nth(1))).toMatch(/2\. Ada Hand.*line 3.*Why does line 3 crash\?/s);
    await textOf(queue(), /2 waiting/);
    await textOf(teacher.getByRole("link", { name: /^Ada Hand/ }).getByTestId("hand-badge"), /2nd/);
    await teacher.evaluate(() => window.scrollTo(0, 0));
    await screenshot(teacher, "help-queue", false);
    await copyFile(
      path.join(REPO_ROOT, "e2e/screenshots/help-queue.png"),
      path.join(REPO_ROOT, "docs/screenshots/help-queue.png"),
    );
  });

  it("positions follow as classmates raise and lower theirs", async () => {
    await raise(cy);
    await status(cy, /3rd in line/);
    await bob.getByRole("button", { name: "Lower hand" }).click();
    await status(ada, /1st in line/);
    await status(cy, /2nd in line/);
    expect(await bob.getByTestId("hand-status").count()).toBe(0);
    await cy.getByRole("button", { name: "Lower hand" }).click();
    await expect.poll(() => queue().getByTestId("help-queue-hand").count()).toBe(1);
    await status(ada, /1st in line/);
  });

  it("the teacher opens the hand at line 3, highlighted, claims it and resolves it", async () => {
    const hand = queue().getByTestId("help-queue-hand").first();
    await hand.getByRole("link", { name: "Open Ada Hand’s code" }).click();
    await teacher.waitForURL(/\/students\/[0-9a-f-]+\?line=3$/);
    await editorTextMatching(teacher, /print\(a \/ 0\)/);
    const asked = monacoIn(teacher).locator(".asked-line");
    await expect.poll(() => asked.count()).toBe(1);
    // The highlight sits on the third line.
    const [askedTop, thirdTop] = await Promise.all([
      asked.evaluate((el) => el.getBoundingClientRect().top),
      monacoIn(teacher)
        .locator(".line-numbers", { hasText: /^3$/ })
        .evaluate((el) => el.getBoundingClientRect().top),
    ]);
    expect(Math.abs(askedTop - thirdTop)).toBeLessThan(2);

    await teacher.goto(`/sessions/${session.id}`);
    await queue().getByRole("button", { name: "Claim Ada Hand’s hand" }).click();
    await status(ada, /is coming to help/);
    await queue().getByRole("button", { name: "Resolve Ada Hand’s hand" }).click();
    await textOf(queue(), /nobody waiting/);
    await expect.poll(() => ada.getByTestId("hand-status").count()).toBe(0);
    expect(await ada.getByRole("button", { name: "Raise hand" }).isVisible()).toBe(true);
  });

  it("a new hand is announced politely; with the alerts on, a chime and a tab badge while the teacher looks elsewhere", async () => {
    await teacher.goto(`/sessions/${session.id}`);
    await textOf(queue(), /nobody waiting/);
    const alerts = queue().getByLabel("Chime and tab badge for new hands");
    expect(await alerts.isChecked()).toBe(false);
    await alerts.check();
    // Count the notes the page plays, through the browser's own Web Audio API.
    await teacher.evaluate(() => {
      const w = window as unknown as { notes: number };
      w.notes = 0;
      const original = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function (this: AudioContext) {
        w.notes += 1;
        return original.call(this);
      };
    });
    const setHidden = (hidden: boolean) =>
      teacher.evaluate((value) => {
        Object.defineProperty(document, "visibilityState", {
          configurable: true,
          get: () => (value ? "hidden" : "visible"),
        });
        document.dispatchEvent(new Event("visibilitychange"));
      }, hidden);
    await setHidden(true);
    await raise(bob, "Stuck on the loop");
    await textOf(
      teacher.getByTestId("new-hand-announcement"),
      /^Bob Hand raised a hand: “Stuck on the loop”$/,
    );
    await expect.poll(() => teacher.title()).toMatch(/^\(1 ✋\) Help · Observer$/);
    expect(await teacher.evaluate(() => (window as unknown as { notes: number }).notes)).toBeGreaterThan(0);
    // Back on the tab: the badge goes, the choice stays for the next visit.
    await setHidden(false);
    await expect.poll(() => teacher.title()).toBe("Help · Observer");
    await teacher.reload();
    expect(await queue().getByLabel("Chime and tab badge for new hands").isChecked()).toBe(true);
    // Hands already up when the dashboard opens are not announced as new.
    await textOf(queue(), /1 waiting/);
    expect(await textOf(teacher.getByTestId("new-hand-announcement"))).toBe("");
    await bob.getByRole("button", { name: "Lower hand" }).click();
    await textOf(queue(), /nobody waiting/);
  });
});
