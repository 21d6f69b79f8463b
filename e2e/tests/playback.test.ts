import { copyFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { type PlaybackReply, PlaybackTape, type Session } from "@observer/protocol";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCsv, readZip } from "../../packages/server/test/zip-reader.ts";
import { axeViolations } from "../support/a11y.ts";
import { textOf } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import { editorTextMatching, focusEditorEnd } from "../support/editor.ts";
import { REPO_ROOT } from "../support/paths.ts";
import { waitForText } from "../support/wait.ts";

/** Runs in the real sandbox can take a while on a small machine. */
const RUN_MS = 30_000;

/** Four lines pasted at once (one change): 200+ characters. */
const PASTED = [
  'print("pasted one: the quick brown fox jumps over the lazy dog")',
  'print("pasted two: pack my box with five dozen liquor jugs")',
  'print("pasted three: how vexingly quick daft zebras jump")',
  'print("PASTED-OK")',
  "",
].join("\n");

/**
 * Playback of a student's code: Ada types a line, pastes a block of 200+ characters and runs
 * her program. The teacher sees "pasted a lot" on the dashboard and the typed/pasted line in
 * the focus view, opens Playback, finds the paste and the run on the timeline, opens the run's
 * output, steps back to the moment of the paste (the code before it) and on past it, and
 * scrubs the slider with the keyboard. Ada opens the playback of her own code. The teacher
 * downloads the whole session as a zip and Ada her own work; the files are read back here.
 */
describe("playback of a student's code", () => {
  const room = useClassroom({
    session: { name: "Playback lab", language: "python", starterCode: "" },
    students: ["Ada Replay"],
    pages: "everyone",
    pageOptions: { viewport: { width: 1280, height: 1000 } },
  });
  let teacher: Page;
  let ada: Page;
  let session: Session;

  beforeAll(() => {
    ({ session } = room);
    [teacher, ada] = [room.teacher.page, room.student().page];
  });

  /** Waits until Ada's saved history (the playback endpoint, as she may read it) ends in code matching `pattern`. */
  const savedCode = (pattern: RegExp) =>
    waitForText(
      async () => {
        const res = await fetch(
          `${room.url}/api/sessions/${session.id}/students/${room.student().id}/playback`,
          {
            headers: { authorization: `Bearer ${room.student().token}` },
          },
        );
        if (!res.ok) return `HTTP ${res.status}`;
        const reply = (await res.json()) as PlaybackReply;
        const tape = new PlaybackTape(reply.frames, "python");
        return tape.momentAfter(tape.length - 1).code;
      },
      pattern,
      15_000,
      (last) => `the saved code never matched ${pattern}; last:\n${last}`,
    );

  /**
   * Pastes `text` into the focused Monaco as the browser would: a paste event with the text on
   * its clipboard data (Monaco makes one edit of it). Typing, even `keyboard.insertText`, goes
   * through Monaco one character at a time.
   */
  const pasteInto = (page: Page, text: string) =>
    page.evaluate((pasted) => {
      // Monaco's input element: a textarea, or a div with an EditContext where Chromium has one.
      const input = document.activeElement;
      if (!input?.closest(".monaco-editor")) throw new Error("the editor has no focus");
      const data = new DataTransfer();
      data.setData("text/plain", pasted);
      input.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }, text);

  const playback = () => teacher.getByRole("region", { name: "Playback" });
  const playbackCode = (pattern: RegExp) => editorTextMatching(playback(), pattern);
  const marker = (kind: string): Locator => playback().locator(`[data-marker="${kind}"]`);

  it("the student types, pastes a block and runs it", async () => {
    await ada.goto(`/sessions/${session.id}`);
    await textOf(ada.getByTestId("save-state"), /Saved/);
    await focusEditorEnd(ada);
    await ada.keyboard.type("x = 1\n");
    await savedCode(/x = 1/);
    await focusEditorEnd(ada);
    await pasteInto(ada, PASTED);
    await editorTextMatching(ada, /PASTED-OK/);
    await savedCode(/PASTED-OK/);
    await ada.getByRole("button", { name: /^Run/ }).first().click();
    await textOf(ada.getByTestId("run-status"), /Finished/, RUN_MS);
  });

  it("the teacher sees who pasted a lot on the dashboard, in neutral words", async () => {
    await teacher.goto(`/sessions/${session.id}`);
    const chip = teacher.getByRole("search").getByRole("button", { name: /pasted a lot/ });
    await textOf(chip, /^1 pasted a lot$/);
    expect(await chip.getAttribute("title")).toBe(
      "More than half of the characters they added arrived by paste",
    );
    await chip.click();
    await textOf(
      teacher.getByRole("list", { name: "Students" }),
      /Typed \d+ characters · pasted 2\d\d \(\d+%\)/,
    );
  });

  it("the teacher opens Playback: the paste and the run on the timeline, the run's output", async () => {
    await teacher.goto(`/sessions/${session.id}/students/${room.student().id}`);
    await textOf(teacher.getByTestId("focus-provenance"), /^Typed \d+ characters · pasted 2\d\d \(\d+%\)$/);
    expect(await teacher.getByRole("link", { name: "All sessions" }).getAttribute("href")).toBe(
      `/students/${room.student().id}`,
    );
    await teacher.getByRole("button", { name: "Playback", exact: true }).click();
    await textOf(playback().getByTestId("playback-provenance"), /pasted 2\d\d/);
    // Opens at the end: the code as it is now.
    await playbackCode(/PASTED-OK/);

    expect(await marker("paste").count()).toBe(1);
    expect(await marker("paste").getAttribute("aria-label")).toMatch(/^Pasted 2\d\d characters, /);
    expect(await marker("run").count()).toBe(1);
    expect(await marker("run").getAttribute("aria-label")).toMatch(/^Run succeeded, /);

    await marker("run").click();
    await textOf(playback().getByTestId("playback-run-output"), /PASTED-OK/);
    expect(await axeViolations(teacher)).toBe("");
  });

  it("steps back to the paste (the code before it), on past it, and scrubs with the keyboard", async () => {
    await playback().getByRole("button", { name: "Previous event" }).click();
    expect(await marker("paste").getAttribute("aria-pressed")).toBe("true");
    await textOf(playback().getByTestId("playback-event"), /Pasted 2\d\d characters/);
    const before = await playbackCode(/^(?![\s\S]*pasted)[\s\S]*x = 1/);
    expect(before).not.toMatch(/PASTED-OK/);
    // Nothing before the paste but the session's start.
    expect(await playback().getByRole("button", { name: "Previous event" }).isDisabled()).toBe(true);

    await playback().getByRole("button", { name: "Show the code after it" }).click();
    await playbackCode(/x = 1[\s\S]*PASTED-OK/);

    // The slider: Home is the session's start (no code yet), End is now.
    const slider = playback().getByRole("slider");
    await slider.focus();
    await teacher.keyboard.press("Home");
    await playbackCode(/^\s*$/);
    expect(await slider.getAttribute("aria-valuetext")).toMatch(/0 s into the session$/);
    await teacher.keyboard.press("End");
    await playbackCode(/PASTED-OK/);
    expect(await playback().getByRole("button", { name: "Next event" }).isDisabled()).toBe(true);

    await marker("run").click();
    await textOf(playback().getByTestId("playback-run-output"), /PASTED-OK/);
    await teacher.evaluate(() => window.scrollTo(0, 0));
    await screenshot(teacher, "playback", false);
    await mkdir(path.join(REPO_ROOT, "docs/screenshots"), { recursive: true });
    await copyFile(
      path.join(REPO_ROOT, "e2e/screenshots/playback.png"),
      path.join(REPO_ROOT, "docs/screenshots/playback.png"),
    );
    // The dark theme too (the theme follows the system's here), for a look; not in docs/.
    await teacher.emulateMedia({ colorScheme: "dark" });
    await screenshot(teacher, "playback-dark", false);
    expect(await axeViolations(teacher)).toBe("");
    await teacher.emulateMedia({ colorScheme: "light" });
  });

  it("the student plays back their own code", async () => {
    await ada.getByRole("button", { name: "Playback", exact: true }).click();
    const own = ada.getByRole("region", { name: "Playback" });
    await editorTextMatching(own, /PASTED-OK/);
    expect(await own.locator('[data-marker="paste"]').count()).toBe(1);
    await own.getByRole("button", { name: "Previous event" }).click();
    await own.getByRole("button", { name: "Previous event" }).click();
    await editorTextMatching(own, /^(?![\s\S]*pasted)[\s\S]*x = 1/);
  });

  /** Clicks `button` and reads the zip the browser saved. */
  const downloadedZip = async (page: Page, button: Locator) => {
    const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
    return {
      name: download.suggestedFilename(),
      files: await readZip(await readFile(await download.path())),
    };
  };

  it("the teacher downloads the whole session: Ada's folder with her code and her run", async () => {
    await teacher.goto(`/sessions/${session.id}`);
    const { name, files } = await downloadedZip(
      teacher,
      teacher.getByRole("button", { name: "Download all (zip)" }),
    );
    expect(name).toMatch(/^playback-lab-\d{4}-\d\d-\d\d\.zip$/);
    const folder = `ada-replay-${room.student().id.slice(0, 8)}`;
    expect(files.get(`${folder}/main.py`)?.toString("utf8")).toMatch(/^x = 1\n[\s\S]*PASTED-OK/);
    const runs = [...files.keys()].filter((file) => file.startsWith(`${folder}/runs/`));
    expect(runs).toEqual([expect.stringMatching(/\/runs\/001-[\dT-]+Z-ok\.txt$/)]);
    expect(files.get(runs[0] as string)?.toString("utf8")).toContain("PASTED-OK");
    const students = parseCsv(files.get("students.csv")?.toString("utf8") ?? "");
    expect(students.map((row) => row.slice(1, 2))).toEqual([["name"], ["Ada Replay"]]);
    expect(files.has("README.txt")).toBe(true);
    expect(parseCsv(files.get("runs.csv")?.toString("utf8") ?? "")).toHaveLength(2);
  });

  it("Ada downloads her own code and runs", async () => {
    const { files } = await downloadedZip(
      ada,
      ada.getByRole("button", { name: "Download my code and runs" }),
    );
    const folder = `ada-replay-${room.student().id.slice(0, 8)}`;
    expect([...files.keys()].every((file) => file.startsWith(`${folder}/`))).toBe(true);
    expect(files.get(`${folder}/main.py`)?.toString("utf8")).toContain("PASTED-OK");
    expect(parseCsv(files.get(`${folder}/runs.csv`)?.toString("utf8") ?? "")).toHaveLength(2);
  });
});
