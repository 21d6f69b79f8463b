import type { Session } from "@observer/protocol";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSessionByApi, endSessionByApi, joinSessionByApi, textOf } from "../support/app.ts";
import { useClassroom } from "../support/classroom.ts";
import { openStudentDocument } from "../support/collab.ts";
import { editorTextMatching, focusEditorEnd } from "../support/editor.ts";

const GRACE_MS = 1500;

/**
 * A student's network drops (the browser context goes offline: its sockets freeze, as on a
 * dead Wi-Fi) and a session ends while a student types. The teacher sees the student offline
 * within a few heartbeats; offline edits survive closing the page; a session ended mid-typing
 * keeps every character, and what the server did not take is never shown as saved.
 */
describe("a dropped network and a session ended mid-typing", () => {
  // No session here: each test makes its own (newSession).
  const room = useClassroom({
    env: { OBSERVER_WS_HEARTBEAT_MS: "1000", OBSERVER_SESSION_END_GRACE_MS: String(GRACE_MS) },
    students: ["Ada Lovelace"],
    pages: "everyone",
  });
  let teacher: Page;
  let student: Page;
  let studentContext: BrowserContext;

  const tile = (name: string): Locator => teacher.getByTestId("student-tile").filter({ hasText: name });

  async function newSession(name: string): Promise<Session> {
    const session = await createSessionByApi(room.url, room.teacher.token, {
      name,
      language: "python",
      starterCode: "print(1)\n",
    });
    await joinSessionByApi(room.url, room.student().token, session.joinCode);
    return session;
  }

  /** A new session (see newSession) that the student has open, saved. */
  async function studentOpensNewSession(name: string): Promise<Session> {
    const session = await newSession(name);
    await student.goto(`/sessions/${session.id}`);
    await textOf(student.getByTestId("save-state"), /^Saved$/);
    return session;
  }

  async function endSession(session: Session): Promise<void> {
    const response = await endSessionByApi(room.url, room.teacher.token, session.id);
    expect(response.status).toBe(200);
  }

  /** The student's code as the server holds it (read by the teacher from Node). */
  async function serverCode(session: Session): Promise<string> {
    const reader = await openStudentDocument(room.url, session.id, room.student().id, room.teacher.token);
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

  beforeAll(() => {
    teacher = room.teacher.page;
    student = room.student().page;
    studentContext = student.context();
  });

  // A failed test must not leave the next one offline.
  afterEach(() => studentContext.setOffline(false));

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
    await studentOpensNewSession("Run offline");
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
    const session = await studentOpensNewSession("Ends mid-typing");
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
    const session = await studentOpensNewSession("Ended while offline");
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
