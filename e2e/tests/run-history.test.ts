import type { Language, Session } from "@observer/protocol";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../support/app.ts";
import { useClassroom } from "../support/classroom.ts";
import { editorTextMatching } from "../support/editor.ts";

/** Runs in the real sandbox can take a while on a small machine. */
const RUN_MS = 30_000;

/**
 * Run history: a student's runs, newest first, with how each ended and its output on demand —
 * in the student's own workspace ("My runs") and in the teacher's focus view of that student.
 */
describe("run history: the student's own runs and the teacher's view of them", () => {
  const room = useClassroom({
    session: { name: "History", language: "python", starterCode: 'print("starter")\n' },
    students: ["Ada History"],
    pages: "everyone",
  });
  let teacher: Page;
  let ada: Page;
  let session: Session;

  beforeAll(() => {
    ({ session } = room);
    [teacher, ada] = [room.teacher.page, room.student().page];
  });

  /** Replaces Ada's code from Node (a second editor), waits for her editor, then she presses Run. */
  async function adaRuns(language: Language, code: string, shown: RegExp, ended: RegExp) {
    const doc = await room.document(room.student());
    doc.write(language, code);
    await doc.saved();
    doc.close();
    await editorTextMatching(ada, shown);
    await ada.getByRole("button", { name: /^Run/ }).first().click();
    await textOf(ada.getByTestId("run-status"), ended, RUN_MS);
  }

  const rows = (page: Page) => page.getByTestId("run-history-row");

  it("the student runs twice, then opens their runs: newest first, how each ended, and the output of the failed one", async () => {
    await ada.goto(`/sessions/${session.id}`);
    await editorTextMatching(ada, /print\("starter"\)/);
    await adaRuns("python", 'raise ValueError("boom")\n', /ValueError/, /Exited with code 1/);
    await adaRuns("python", 'print("fixed")\n', /fixed/, /Finished/);

    const open = ada.getByRole("button", { name: "My runs" });
    expect(await open.getAttribute("aria-expanded")).toBe("false");
    await open.click();
    const history = ada.getByRole("region", { name: "Your runs" });
    await expect.poll(() => rows(ada).count()).toBe(2);
    expect(await textOf(rows(ada).nth(0))).toMatch(/Python.*Exit 0/s);
    expect(await textOf(rows(ada).nth(1))).toMatch(/Python.*Exit 1/s);
    await rows(ada).nth(1).getByRole("button", { name: "Show output" }).click();
    await textOf(history, /ValueError: boom/);

    // A third run while the list is open joins it at the top.
    await adaRuns("python", 'print("third")\n', /third/, /Finished/);
    await expect.poll(() => rows(ada).count()).toBe(3);
    await rows(ada).nth(0).getByRole("button", { name: "Show output" }).click();
    await textOf(rows(ada).nth(0), /third/);
  });

  it("the teacher sees the same runs in the student's focus view and opens any run's output", async () => {
    await teacher.goto(`/sessions/${session.id}/students/${room.student().id}`);
    const history = teacher.getByRole("region", { name: "Ada History’s runs" });
    await expect.poll(() => history.getByTestId("run-history-row").count()).toBe(3);
    const failed = history.getByTestId("run-history-row").nth(2);
    expect(await textOf(failed)).toMatch(/Exit 1/);
    await failed.getByRole("button", { name: "Show output" }).click();
    await textOf(failed, /ValueError: boom/);
  });
});
