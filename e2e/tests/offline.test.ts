import type { Session } from "@observer/protocol";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createSessionByApi,
  joinSessionByApi,
  logInAt,
  person,
  registerByApi,
  textOf,
} from "../support/app.ts";
import { launchBrowser, newUserPage } from "../support/browser.ts";
import { openStudentDocument } from "../support/collab.ts";
import { editorTextMatching, focusEditorEnd } from "../support/editor.ts";
import { type StartedServer, startServer } from "../support/server.ts";

const GRACE_MS = 1500;

/**
 * A student's network drops (the browser context goes offline: its sockets freeze, as on a
 * dead Wi-Fi) and a session ends while a student types. The teacher sees the student offline
 * within a few heartbeats; offline edits survive closing the page; a session ended mid-typing
 * keeps every character, and what the server did not take is never shown as saved.
 */
describe("a dropped network and a session ended mid-typing", () => {
  let server: StartedServer;
  let browser: Browser;
  let teacher: Page;
  let student: Page;
  let studentContext: BrowserContext;
  let teacherToken = "";
  let studentToken = "";
  let studentId = "";
  const grace = person("Grace Teacher", "teacher");
  const ada = person("Ada Lovelace", "student");

  const tile = (name: string): Locator => teacher.getByTestId("student-tile").filter({ hasText: name });

  async function newSession(name: string): Promise<Session> {
    const session = await createSessionByApi(server.url, teacherToken, {
      name,
      language: "python",
      starterCode: "print(1)\n",
    });
    await joinSessionByApi(server.url, studentToken, session.joinCode);
    return session;
  }

  async function endSession(session: Session): Promise<void> {
    const response = await fetch(`${server.url}/api/sessions/${session.id}/end`, {
      method: "POST",
      headers: { authorization: `Bearer ${teacherToken}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(200);
  }

  /** The student's code as the server holds it (read by the teacher from Node). */
  async function serverCode(session: Session): Promise<string> {
    const reader = await openStudentDocument(server.url, session.id, studentId, teacherToken);
    const text = reader.code.toString();
    reader.close();
    return text;
  }

  /** A new page of the student (same browser storage) on the session. */
  async function reopen(session: Session): Promise<Page> {
    student = await studentContext.newPage();
    await student.goto(`/sessions/${session.id}`);
    return student;
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({
        OBSERVER_WS_HEARTBEAT_MS: "1000",
        OBSERVER_SESSION_END_GRACE_MS: String(GRACE_MS),
      }),
      launchBrowser(),
    ]);
    await registerByApi(server.url, person("Ops Admin", "teacher"));
    teacherToken = (await registerByApi(server.url, grace)).accessToken;
    const adaReply = await registerByApi(server.url, ada);
    studentToken = adaReply.accessToken;
    studentId = adaReply.user.id;
    [teacher, student] = await Promise.all([
      newUserPage(browser, server.url),
      newUserPage(browser, server.url),
    ]);
    studentContext = student.context();
    await Promise.all([logInAt(teacher, grace), logInAt(student, ada)]);
  });

  // A failed test must not leave the next one offline.
  afterEach(() => studentContext.setOffline(false));

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows the teacher a student whose network dropped as offline; edits typed offline survive closing the page", async () => {
    const session = await newSession("Offline");
    await teacher.goto(`/sessions/${session.id}`);
    await student.goto(`/sessions/${session.id}`);
    await textOf(student.getByTestId("save-state"), /^Saved$/);
    await textOf(tile("Ada Lovelace"), /Online/);

    await studentContext.setOffline(true);
    await textOf(student.getByTestId("save-state"), /Offline — changes kept/);
    await focusEditorEnd(student);
    await student.keyboard.type("# typed offline");
    // Heartbeats of 1 s: the teacher sees it within two (and some slack), not after minutes.
    await textOf(tile("Ada Lovelace"), /Offline/, 10_000);

    // "Leave site?" accepted while offline: the page is gone, the edits with it unless kept.
    await student.close();
    await studentContext.setOffline(false);
    await reopen(session);
    await editorTextMatching(student, /# typed offline/);
    await textOf(student.getByTestId("save-state"), /^Saved$/);
    await textOf(tile("Ada Lovelace").getByTestId("code-preview"), /# typed offline/);
    await textOf(tile("Ada Lovelace"), /Online/);
    expect(await serverCode(session)).toBe("print(1)\n# typed offline");
  });

  it("clears 'Cannot reach the server' once the network is back", async () => {
    const session = await newSession("Run offline");
    await student.goto(`/sessions/${session.id}`);
    await textOf(student.getByTestId("save-state"), /^Saved$/);
    await studentContext.setOffline(true);
    await student.getByRole("button", { name: "Run", exact: true }).last().click();
    await textOf(student.getByRole("main"), /Cannot reach the server/);
    await studentContext.setOffline(false);
    await textOf(student.getByTestId("save-state"), /^Saved$/);
    const deadline = Date.now() + 10_000;
    while (/Cannot reach the server/.test((await student.getByRole("main").textContent()) ?? "")) {
      if (Date.now() > deadline) throw new Error("'Cannot reach the server' still shown after reconnecting");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it("keeps every character typed when the session ends mid-typing", async () => {
    const session = await newSession("Ends mid-typing");
    await student.goto(`/sessions/${session.id}`);
    await textOf(student.getByTestId("save-state"), /^Saved$/);
    await focusEditorEnd(student);
    await student.keyboard.type("x = 4");
    // The last keystroke is still on its way (a frozen link) when the teacher presses End.
    await studentContext.setOffline(true);
    await student.keyboard.type("2");
    await endSession(session);
    await studentContext.setOffline(false);

    await textOf(student.getByRole("main"), /This session has ended/);
    await textOf(student.getByTestId("save-state"), /^Saved$/);
    await student.reload();
    await editorTextMatching(student, /x = 42/);
    await textOf(student.getByTestId("save-state"), /^Saved$/);
    await textOf(student.getByRole("main"), /Your code is saved/);
    expect(await serverCode(session)).toBe("print(1)\nx = 42");
  });

  it("says truthfully what the server did not take once the session had ended, and offers the download", async () => {
    const session = await newSession("Ended while offline");
    await student.goto(`/sessions/${session.id}`);
    await textOf(student.getByTestId("save-state"), /^Saved$/);
    await studentContext.setOffline(true);
    await focusEditorEnd(student);
    await student.keyboard.type("# after the end");
    await endSession(session);
    // Back only after the end's grace period: the server no longer takes the change.
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 1000));
    await studentContext.setOffline(false);

    await textOf(student.getByTestId("save-state"), /^Not saved$/);
    await textOf(student.getByTestId("unsaved-changes"), /did not reach the server/);
    expect(await serverCode(session)).toBe("print(1)\n");
    // Reloaded, the change is still here (this browser's copy), and still not claimed as saved.
    await student.reload();
    await editorTextMatching(student, /# after the end/);
    await textOf(student.getByTestId("save-state"), /^Not saved$/);
    const heading = (await student.getByRole("main").textContent()) ?? "";
    expect(heading).not.toMatch(/Your code is saved/);
    const download = student.waitForEvent("download");
    await student.getByRole("button", { name: "Download your code" }).click();
    expect((await download).suggestedFilename()).toMatch(/\.py$/);
  });
});
