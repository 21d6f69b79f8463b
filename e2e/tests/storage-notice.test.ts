import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import { editorTextMatching, monacoIn } from "../support/editor.ts";

/** The smallest per-session storage quota the server accepts (OBSERVER_STUDENT_QUOTA_MB). */
const QUOTA_MB = 2;
/** Each paste replaces the whole code with about 240 KB of fresh random text (under the 256 KB cap). */
const PASTE_CHARS = 240 * 1024;
/** Pastes tried before giving up: the notice comes after about 15 (one quota's worth, compacted, then another). */
const MAX_PASTES = 40;

/**
 * A student over their storage quota for the session (issue 8, item 8): churning big pastes
 * fills it; the workspace then shows the server's notice (informative, dismissible), the code
 * is still saved, and a run refused for the quota (507) says why in the Run panel.
 */
describe("the storage quota notice in the student's workspace", () => {
  const room = useClassroom({
    env: { OBSERVER_STUDENT_QUOTA_MB: String(QUOTA_MB) },
    teacher: "Grace Quota",
    session: { name: "Quota", language: "python", starterCode: "print('hello')\n" },
    students: ["Ada Quota"],
    pages: "students",
  });
  let ada: Page;

  const notice = (page: Page) => page.getByTestId("storage-notice");

  /** Replaces the student's code by a paste of random hex lines, and waits until it is saved. */
  async function pasteRandomCode(i: number) {
    // Random hex in lines: nothing for the history to share with the previous version.
    await ada.evaluate(
      async ({ chars, n }) => {
        const bytes = new Uint8Array(chars / 2);
        // getRandomValues fills at most 64 KB at a time.
        for (let at = 0; at < bytes.length; at += 65_536)
          crypto.getRandomValues(bytes.subarray(at, at + 65_536));
        const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
        const text = `# paste ${n}\n${hex.match(/.{1,80}/g)?.join("\n") ?? ""}\n`;
        await navigator.clipboard.writeText(text);
      },
      { chars: PASTE_CHARS, n: i },
    );
    await monacoIn(ada).locator(".view-lines").click();
    await ada.keyboard.press("Control+a");
    await ada.keyboard.press("Control+v");
    await ada.keyboard.press("Control+Home");
    await editorTextMatching(ada, new RegExp(`^# paste ${i}\\n`));
    await textOf(ada.getByTestId("save-state"), /Saved/);
  }

  beforeAll(async () => {
    ada = room.student().page;
    await ada.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: room.url });
  });

  it("shows the server's notice once the student's history fills the quota; the code stays saved", async () => {
    await ada.goto(`/sessions/${room.session.id}`);
    await textOf(ada.getByTestId("save-state"), /Saved/);
    await editorTextMatching(ada, /print\('hello'\)/);
    for (let i = 0; i < MAX_PASTES && (await notice(ada).count()) === 0; i++) {
      await pasteRandomCode(i);
      // One paste per save (the server saves about a second after a change).
      await ada.waitForTimeout(1200);
    }
    await textOf(notice(ada), /^Your storage for this session is full \(2 MB of history and run output\)\./);
    expect(await textOf(notice(ada))).toMatch(/Your code is still saved/);
    // Informative, not an error: a status, not an alert.
    expect(
      await ada
        .getByRole("alert")
        .filter({ hasText: /storage for this session/ })
        .count(),
    ).toBe(0);
    expect(
      await ada
        .getByRole("status")
        .filter({ has: notice(ada) })
        .count(),
    ).toBe(1);
    // The student keeps typing, and it is saved.
    await ada.keyboard.press("Control+Home");
    await ada.keyboard.type("still_here = 1; ");
    await textOf(ada.getByTestId("save-state"), /Saved/);
    await editorTextMatching(ada, /^still_here = 1; # paste \d+\n/);
  }, 240_000);

  it("a run refused for the quota shows the server's reason in the Run panel", async () => {
    const refused = ada.getByRole("alert").filter({ hasText: /No more runs can be kept/ });
    // Past the quota the server compacts the history at most every 30 s; a run that comes
    // after such a compaction may find room. Then the student fills the quota again.
    for (let i = 0; i < 5 && (await refused.count()) === 0; i++) {
      if (i > 0) await pasteRandomCode(100 + i);
      await ada.getByRole("button", { name: /^Run/ }).first().click();
      await refused.waitFor({ timeout: 8000 }).catch(() => undefined);
    }
    await textOf(
      refused,
      /^Your storage for this session is full \(2 MB of history and run output\)\. .*No more runs can be kept\.$/,
    );
    await screenshot(ada, "storage-notice", false);
  });

  it("the notice can be dismissed", async () => {
    await ada.getByRole("button", { name: "Dismiss" }).click();
    expect(await notice(ada).count()).toBe(0);
  });
});
