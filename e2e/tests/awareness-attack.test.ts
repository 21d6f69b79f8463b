import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { logInAt, textOf } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import type { NodeStudent } from "../support/collab.ts";
import { editorTextMatching, monacoIn } from "../support/editor.ts";

const CODE = "total = 0\nfor i in range(10):\n    total += i\nprint(total)\n";

/** A selection at `index` of the code, as y-monaco publishes it. */
function selectionAt(student: NodeStudent, index: number) {
  const at = Y.createRelativePositionFromTypeIndex(student.code, index);
  return { anchor: at, head: at };
}

/** Relative positions that make Yjs throw while resolving them (a client that does not exist, no clock). */
const dangling = { type: null, tname: null, item: { client: 987654321 }, assoc: 0 };

/** The computed opacity of the (only) remote cursor's name label (its ::after) on the page. */
const labelOpacity = (page: Page) =>
  page.evaluate(() => {
    const head = document.querySelector(".yRemoteSelectionHead");
    return head ? getComputedStyle(head, "::after").opacity : null;
  });

async function waitForLabelOpacity(page: Page, opacity: string): Promise<void> {
  await page.waitForFunction(
    (wanted) => {
      const head = document.querySelector(".yRemoteSelectionHead");
      return head !== null && getComputedStyle(head, "::after").opacity === wanted;
    },
    opacity,
    { timeout: 10_000 },
  );
}

describe("a student's crafted awareness cannot take the teacher's focus view down", () => {
  const room = useClassroom({
    session: { name: "Crafted awareness", language: "python", starterCode: "" },
    students: ["Ada Lovelace"],
  });
  let teacher: Page;
  let student: NodeStudent;
  const errors: string[] = [];

  beforeAll(async () => {
    student = await room.document(room.student());
    student.write("python", CODE);
    await student.saved();
    // The teacher's page records its errors from the start (the login included).
    teacher = await room.page();
    teacher.on("pageerror", (err) => errors.push(err.message));
    await logInAt(teacher, room.teacher.account);
  });

  it("the focus view opens, and keeps showing the editor and the code, with crafted selections", async () => {
    // Published before the teacher opens the view (drawn while it mounts) and again while it is open.
    student.setAwarenessField("selection", { anchor: dangling, head: dangling });
    await teacher.waitForTimeout(500);
    await teacher.goto(`/sessions/${room.session.id}/students/${room.student().id}`);
    await textOf(teacher.getByRole("heading", { level: 1 }), /Ada Lovelace/);
    const focusEditor = teacher.getByRole("region", { name: "Ada Lovelace’s code" });
    await editorTextMatching(focusEditor, /total \+= i/);
    const other = { ...dangling, item: { client: 987654322 } };
    student.setAwarenessField("selection", { anchor: other, head: other });
    await teacher.waitForTimeout(1500);

    // A normal move is still drawn, and the page is whole.
    student.setAwarenessField("selection", selectionAt(student, 4));
    await monacoIn(focusEditor).locator(".yRemoteSelectionHead").first().waitFor({ state: "attached" });
    await textOf(teacher.getByRole("heading", { level: 1 }), /Ada Lovelace/);
    await editorTextMatching(focusEditor, /print\(total\)/);
    expect(await teacher.getByTestId("editor-failed").count()).toBe(0);
    expect(errors).toEqual([]);
    await screenshot(teacher, "focus-view-after-crafted-awareness", false);
  });

  it("a remote cursor's name shows after it moves, hides after a few seconds, and shows on hover", async () => {
    const focusEditor = teacher.getByRole("region", { name: "Ada Lovelace’s code" });
    // Put Ada's cursor on the third line, so its label would cover the second.
    student.setAwarenessField("selection", selectionAt(student, CODE.indexOf("total +=")));
    const head = monacoIn(focusEditor).locator(".yRemoteSelectionHead").first();
    await head.waitFor({ state: "attached" });
    await waitForLabelOpacity(teacher, "1");
    // y-monaco may redraw the caret (a new element) at any moment: read the label of the one
    // in the page now, until it settles.
    await teacher.waitForFunction(
      () => {
        const now = document.querySelector(".yRemoteSelectionHead");
        return now !== null && getComputedStyle(now, "::after").content === '"Ada Lovelace"';
      },
      undefined,
      { timeout: 10_000 },
    );
    await screenshot(teacher, "cursor-label-after-move", false);

    await waitForLabelOpacity(teacher, "0");
    await screenshot(teacher, "cursor-label-idle", false);

    const box = await head.boundingBox();
    if (!box) throw new Error("the remote cursor has no box");
    // Just beside the 2 px caret still counts as over it.
    await teacher.mouse.move(box.x + 3, box.y + box.height / 2);
    await waitForLabelOpacity(teacher, "1");
    await screenshot(teacher, "cursor-label-hover", false);

    await teacher.mouse.move(box.x + 300, box.y + 200);
    await waitForLabelOpacity(teacher, "0");
    expect(await labelOpacity(teacher)).toBe("0");

    // Moving again shows it again.
    student.setAwarenessField("selection", selectionAt(student, CODE.indexOf("print")));
    await waitForLabelOpacity(teacher, "1");
  });
});
