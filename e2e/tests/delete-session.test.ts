import { readFile } from "node:fs/promises";
import type { Session } from "@observer/protocol";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "../support/a11y.ts";
import { createSessionByApi, endSessionByApi, textOf, waitForPath } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import { editorTextMatching, focusEditorEnd } from "../support/editor.ts";

/**
 * The teacher deletes a session: "Delete session" sits in the "Edit session" area of an active
 * session (at the end of the actions of an ended one); its dialog names what goes and keeps
 * Delete off until the session's exact name is typed. Then the home page says it was deleted,
 * the list no longer has it, the API answers 404, and the student who had it open is told it
 * is gone (with a last download of the code still in their browser).
 */
describe("deleting a session", () => {
  const room = useClassroom({
    session: { name: "Loops lab", language: "python", starterCode: "" },
    students: ["Ada Gone"],
    pages: "everyone",
    pageOptions: { viewport: { width: 1280, height: 900 } },
  });
  let teacher: Page;
  let ada: Page;
  let session: Session;
  let kept: Session;

  beforeAll(async () => {
    ({ session } = room);
    [teacher, ada] = [room.teacher.page, room.student().page];
    kept = await createSessionByApi(room.url, room.teacher.token, {
      name: "Loops lab (kept)",
      language: "python",
      starterCode: "",
    });
  });

  const dialog = (): Locator => teacher.getByRole("dialog", { name: "Delete this session?" });
  const deleteButton = (): Locator => dialog().getByRole("button", { name: "Delete", exact: true });
  const getSession = (id: string) =>
    fetch(`${room.url}/api/sessions/${id}`, { headers: { authorization: `Bearer ${room.teacher.token}` } });

  it("the student has the session open and writes some code", async () => {
    await ada.goto(`/sessions/${session.id}`);
    await textOf(ada.getByTestId("save-state"), /Saved/);
    await focusEditorEnd(ada);
    await ada.keyboard.type('print("soon gone")');
    await editorTextMatching(ada, /soon gone/);
    await textOf(ada.getByTestId("save-state"), /Saved/);
  });

  it("the dialog says what goes and keeps Delete off until the exact name is typed", async () => {
    await teacher.goto(`/sessions/${session.id}`);
    // Not among the header's actions of an active session: inside "Edit session".
    const actions = teacher.getByRole("main");
    await actions.getByRole("button", { name: "Edit session" }).click();
    const zone = teacher.getByRole("region", { name: "Delete session" });
    await zone.getByRole("button", { name: "Delete session" }).click();

    const text = await textOf(dialog(), /cannot be undone/);
    expect(text).toContain("“Loops lab”");
    expect(text).toMatch(/every student’s code, with its history and playback/);
    expect(text).toMatch(/the runs and their output/);
    expect(text).toMatch(/the raised hands/);
    expect(text).toMatch(/Download all \(zip\)/);

    const name = dialog().getByLabel("Type “Loops lab” to confirm");
    expect(await name.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await deleteButton().isDisabled()).toBe(true);
    await name.fill("loops lab");
    expect(await deleteButton().isDisabled()).toBe(true);
    await name.fill("Loops la");
    expect(await deleteButton().isDisabled()).toBe(true);
    await name.fill("Loops lab");
    expect(await deleteButton().isEnabled()).toBe(true);

    expect(await axeViolations(teacher)).toBe("");
    await screenshot(teacher, "delete-session", false);

    // Cancel closes it and forgets what was typed; the session is still there.
    await dialog().getByRole("button", { name: "Cancel" }).click();
    expect(await dialog().isVisible()).toBe(false);
    expect((await getSession(session.id)).status).toBe(200);
    await zone.getByRole("button", { name: "Delete session" }).click();
    expect(await dialog().getByLabel("Type “Loops lab” to confirm").inputValue()).toBe("");
    expect(await deleteButton().isDisabled()).toBe(true);
  });

  it("Delete removes it: home says so, the list and the API no longer have it", async () => {
    await dialog().getByLabel("Type “Loops lab” to confirm").fill("Loops lab");
    await deleteButton().click();
    await waitForPath(teacher, /^\/$/);
    await textOf(
      teacher.getByRole("status").filter({ hasText: "was deleted" }),
      /^“Loops lab” was deleted\.$/,
    );
    const list = teacher.getByRole("list", { name: "Your sessions" });
    await textOf(list, /Loops lab \(kept\)/);
    expect(await list.getByRole("link", { name: /^Loops lab$/ }).count()).toBe(0);
    expect(await list.getByText("Loops lab", { exact: true }).count()).toBe(0);
    expect((await getSession(session.id)).status).toBe(404);
    expect((await getSession(kept.id)).status).toBe(200);
    await screenshot(teacher, "delete-session-home", false);
    // Said once: a reload of the home page does not say it again.
    await teacher.reload();
    await textOf(list, /Loops lab \(kept\)/);
    expect(await teacher.getByText("was deleted").count()).toBe(0);
  });

  it("the student who had it open sees it is gone, can keep their code, and nothing retries", async () => {
    const main = ada.getByRole("main");
    await textOf(main, /This session is no longer available/);
    const text = await textOf(main);
    expect(text).toContain("“Loops lab” was deleted, with its code and runs.");
    expect(text).not.toMatch(/could not be opened|Your code is saved/);
    await screenshot(ada, "delete-session-student", false);
    expect(await axeViolations(ada)).toBe("");

    const [download] = await Promise.all([
      ada.waitForEvent("download"),
      main.getByRole("button", { name: "Download your code" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("loops-lab.py");
    const saved = await download.path();
    expect(await readFile(saved, "utf8")).toContain('print("soon gone")');

    // Nothing keeps knocking on the deleted session: no request, no new socket for a few seconds.
    const knocks: string[] = [];
    ada.on("websocket", (socket) => knocks.push(`socket ${socket.url()}`));
    ada.on("request", (request) => {
      if (request.url().includes(session.id)) knocks.push(`request ${request.url()}`);
    });
    await ada.waitForTimeout(5000);
    expect(knocks).toEqual([]);

    await main.getByRole("link", { name: "Go to the home page" }).click();
    await waitForPath(ada, /^\/$/);
  });

  it("an ended session has Delete session among its actions", async () => {
    expect((await endSessionByApi(room.url, room.teacher.token, kept.id)).status).toBe(200);
    await teacher.goto(`/sessions/${kept.id}`);
    await textOf(teacher.getByRole("status").filter({ hasText: "This session has ended" }), /ended/);
    await teacher.getByRole("button", { name: "Delete session" }).click();
    await textOf(dialog(), /“Loops lab \(kept\)” and everything in it/);
    await screenshot(teacher, "delete-session-ended", false);
    await dialog().getByRole("button", { name: "Cancel" }).click();
    expect((await getSession(kept.id)).status).toBe(200);
  });
});
