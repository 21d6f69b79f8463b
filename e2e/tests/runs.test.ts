import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { Language, Session } from "@observer/protocol";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  endSessionByApi,
  joinSessionByApi,
  person,
  registerByApi,
  startRunByApi,
  textOf,
  waitForPath,
} from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import { type NodeStudent, openStudentDocument } from "../support/collab.ts";
import { editorTextMatching, focusEditorEnd } from "../support/editor.ts";
import { REPO_ROOT } from "../support/paths.ts";
import { terminalIn, terminalText, terminalTextMatching, typeInTerminal } from "../support/terminal.ts";

/** Runs in the real sandbox can take a while on a small machine (the first compile, a JVM). */
const RUN_MS = 30_000;

/**
 * Sandboxed runs through the browser: a student runs an interactive Python program and
 * answers its question in the terminal; the teacher watches it on the dashboard, opens the
 * student's terminal, types into the running program and runs the student's code; a C
 * compile error and Stop on an endless loop. Three classmates run from Node, for the tiles.
 */
describe("running code in the sandbox", () => {
  // Grace is the install's first account (its admin) here; Ada joins through the link in the first test.
  const room = useClassroom({
    admin: false,
    session: { name: "Runs", language: "python", starterCode: 'print("starter")\n' },
    students: ["Ada Lovelace"],
    join: false,
    pages: "everyone",
  });
  let teacher: Page;
  let ada: Page;
  let session: Session;
  let adaId = "";
  const classmates: NodeStudent[] = [];

  const tile = (name: string): Locator =>
    teacher.getByRole("list", { name: "Students" }).getByRole("link", { name: new RegExp(`^${name}`) });
  const status = (page: Page) => page.getByTestId("run-status");
  const runButton = (page: Page) => page.getByRole("button", { name: /^Run/ });

  /** Replaces Ada's code (and language) from Node, as a second editor would, and waits for her editor. */
  const adaWrites = async (language: Language, code: string, shown: RegExp) => {
    const doc = await room.document(room.student());
    doc.write(language, code);
    await doc.saved();
    doc.close();
    await editorTextMatching(ada, shown);
  };

  beforeAll(() => {
    ({ session } = room);
    [teacher, ada] = [room.teacher.page, room.student().page];
    adaId = room.student().id;
  });

  afterAll(() => {
    for (const classmate of classmates) classmate.close();
  });

  it("a student runs an interactive Python program with Ctrl+Enter and answers it in the terminal", async () => {
    await ada.goto(`/join/${session.joinCode}`);
    await waitForPath(ada, new RegExp(`^/sessions/${session.id}$`));
    await textOf(ada.getByTestId("save-state"), /Saved/);
    await editorTextMatching(ada, /print\("starter"\)/);
    await textOf(status(ada), /Not run yet/);

    // Write the program in the editor, replacing the starter code.
    await focusEditorEnd(ada);
    await ada.keyboard.press("Control+A");
    await ada.keyboard.type('name = input("Name? ")\n');
    await ada.keyboard.type('print(f"Hello, {name}!")');
    await editorTextMatching(ada, /name = input\("Name\? "\)\s*print\(f"Hello, \{name\}!"\)/);

    // Ctrl+Enter in the editor runs it.
    await ada.keyboard.press("Control+Enter");
    await terminalTextMatching(ada, /Name\?$/, RUN_MS);
    await textOf(status(ada), /Running…/);

    await typeInTerminal(ada, ada, "Ada");
    const shown = await terminalTextMatching(ada, /Hello, Ada!/, RUN_MS);
    expect(shown).toMatch(/^Name\? Ada\nHello, Ada!$/);
    const finished = await textOf(status(ada), /Finished after \d+(\.\d)? m?s/, RUN_MS);
    expect(await status(ada).getAttribute("data-tone")).toBe("success");
    expect(finished).not.toMatch(/truncated/);
    // The program is over: Stop is off again.
    expect(await ada.getByRole("button", { name: "Stop" }).isDisabled()).toBe(true);
    await screenshot(ada, "student-terminal", false);

    // The terminal follows the app's theme: light text on dark in dark mode, and back.
    const textColour = () =>
      terminalIn(ada)
        .locator(".xterm-rows")
        .evaluate((el) => getComputedStyle(el).color);
    expect(await textColour()).toBe("rgb(30, 41, 59)");
    await ada.emulateMedia({ colorScheme: "dark" });
    await expect.poll(textColour).toBe("rgb(226, 232, 240)");
    await screenshot(ada, "student-terminal-dark", false);
    await ada.emulateMedia({ colorScheme: "light" });
    await expect.poll(textColour).toBe("rgb(30, 41, 59)");
  });

  it("the teacher sees the run live on the dashboard, types into it from the focus view and runs the student's code", async () => {
    // Three classmates run programs from Node, so the dashboard has several kinds of runs.
    const others: Array<{ name: string; language: Language; code: string }> = [
      {
        name: "Bob Boole",
        language: "c",
        code: '#include <stdio.h>\n\nint main(void) {\n    printf("%d\\n", 6 * 7)\n    return 0;\n}\n',
      },
      {
        name: "Chloé Martin",
        language: "javascript",
        code: 'for (let i = 1; i <= 5; i++) console.log("line " + i + ": " + "*".repeat(i));\n',
      },
      {
        name: "Dmitri Volkov",
        language: "python",
        code: "import sys\nprint('oops', file=sys.stderr)\nsys.exit(3)\n",
      },
    ];
    const { url } = room;
    for (const other of others) {
      const reply = await registerByApi(url, person(other.name, "student"));
      await joinSessionByApi(url, reply.accessToken, session.joinCode);
      const doc = await openStudentDocument(url, session.id, reply.user.id, reply.accessToken);
      doc.write(other.language, other.code);
      await doc.saved();
      classmates.push(doc);
      const response = await startRunByApi(url, reply.accessToken, session.id, {
        language: other.language,
        code: other.code,
      });
      expect(response.status).toBe(201);
    }

    await teacher.goto(`/sessions/${session.id}`);
    await textOf(tile("Ada Lovelace").getByTestId("run-badge"), /Exit 0/);
    await textOf(tile("Ada Lovelace").getByTestId("run-tail"), /Hello, Ada!/);
    await textOf(tile("Bob Boole").getByTestId("run-badge"), /Compile error/, RUN_MS);
    await textOf(tile("Bob Boole").getByTestId("run-tail"), /error|\^/, RUN_MS);
    await textOf(tile("Chloé Martin").getByTestId("run-tail"), /line 5: \*\*\*\*\*/, RUN_MS);
    await textOf(tile("Dmitri Volkov").getByTestId("run-badge"), /Exit 3/, RUN_MS);

    // Ada runs again (the button this time); the tile follows the live run.
    await runButton(ada).click();
    await terminalTextMatching(ada, /^Name\?$/, RUN_MS);
    await textOf(tile("Ada Lovelace").getByTestId("run-badge"), /Running/, RUN_MS);
    const tail = await textOf(tile("Ada Lovelace").getByTestId("run-tail"), /Name\?/, RUN_MS);
    expect(tail).not.toMatch(/Hello, Ada!/);
    expect(tail).not.toMatch(/\u001b|\[\d+m/);
    await screenshot(teacher, "dashboard-runs", false);

    // The focus view attaches to Ada's running program and replays its output.
    await tile("Ada Lovelace").click();
    await waitForPath(teacher, new RegExp(`^/sessions/${session.id}/students/${adaId}$`));
    const focusTerminal = teacher.getByRole("region", { name: "Ada Lovelace’s terminal" });
    await terminalTextMatching(focusTerminal, /^Name\?$/, RUN_MS);
    await textOf(status(teacher), /Running…/);

    // The teacher answers the program's question; Ada sees it in her terminal.
    await typeInTerminal(teacher, focusTerminal, "Grace");
    await terminalTextMatching(ada, /Name\? Grace\nHello, Grace!/, RUN_MS);
    await textOf(status(ada), /Finished after/, RUN_MS);
    await terminalTextMatching(focusTerminal, /Hello, Grace!/, RUN_MS);
    await textOf(status(teacher), /Finished after/, RUN_MS);

    // "Run student's code": the run is Ada's, her terminal starts over and follows it.
    await teacher.getByRole("button", { name: /Run student’s code/ }).click();
    await terminalTextMatching(ada, /^Name\?$/, RUN_MS);
    await terminalTextMatching(focusTerminal, /^Name\?$/, RUN_MS);
    await typeInTerminal(ada, ada, "Ada again");
    await terminalTextMatching(focusTerminal, /Hello, Ada again!/, RUN_MS);
    await textOf(status(teacher), /Finished after/, RUN_MS);
    await textOf(status(ada), /Finished after/, RUN_MS);
    await screenshot(teacher, "focus-terminal", false);
  });

  it("a C compile error shows the compiler's message with its line, and Compile failed", async () => {
    await adaWrites(
      "c",
      '#include <stdio.h>\n\nint main(void) {\n    printf("hi\\n")\n    return 0;\n}\n',
      /printf\("hi\\n"\)/,
    );
    await runButton(ada).click();
    await textOf(status(ada), /Compile failed/, RUN_MS);
    expect(await status(ada).getAttribute("data-tone")).toBe("error");
    // gcc names the file and the line (4) of the missing semicolon.
    const shown = await terminalTextMatching(ada, /:\d+:\d+: error:/, RUN_MS);
    expect(shown).toMatch(/:4:\d+: error: expected [‘'];[’']/);
    // The teacher's focus view (still on Ada) shows the same.
    await textOf(status(teacher), /Compile failed/, RUN_MS);
  });

  it("Stop ends an endless loop", async () => {
    await adaWrites(
      "python",
      "n = 0\nwhile True:\n    n += 1\n    if n % 2000000 == 0:\n        print('still going', flush=True)\n",
      /while True:/,
    );
    await runButton(ada).click();
    await textOf(status(ada), /Running…/, RUN_MS);
    await terminalTextMatching(ada, /still going/, RUN_MS);
    const stop = ada.getByRole("button", { name: "Stop" });
    expect(await stop.isDisabled()).toBe(false);
    await stop.click();
    await textOf(status(ada), /^Stopped$/, RUN_MS);
    expect(await stop.isDisabled()).toBe(true);
    // Nothing more is printed once it is stopped.
    const after = await terminalText(ada);
    await ada.waitForTimeout(500);
    expect(await terminalText(ada)).toBe(after);
    await textOf(status(teacher), /^Stopped$/, RUN_MS);
    expect(await terminalIn(ada).isVisible()).toBe(true);
  });

  it("once the session has ended, Run is off and says why", async () => {
    const ended = await endSessionByApi(room.url, room.teacher.token, session.id);
    expect(ended.status).toBe(200);
    await textOf(ada.getByTestId("run-blocker"), /The session has ended: programs can no longer be run\./);
    expect(await runButton(ada).isDisabled()).toBe(true);
    // The last run's output and verdict stay.
    await textOf(status(ada), /^Stopped$/);
    expect(await terminalText(ada)).toMatch(/still going/);
  });

  afterAll(async () => {
    // The screenshots of this file, as docs/screenshots/ shows them.
    await mkdir(path.join(REPO_ROOT, "docs/screenshots"), { recursive: true });
    for (const name of ["student-terminal", "dashboard-runs", "focus-terminal"]) {
      await copyFile(
        path.join(REPO_ROOT, "e2e/screenshots", `${name}.png`),
        path.join(REPO_ROOT, "docs/screenshots", `${name}.png`),
      ).catch(() => undefined);
    }
  });
});
