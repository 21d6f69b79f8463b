import type { Language, Session } from "@observer/protocol";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { startRunByApi, textOf } from "../support/app.ts";
import { type Member, useClassroom } from "../support/classroom.ts";
import { waitForText } from "../support/wait.ts";

const NAMES = ["Ada Compile", "Ben Crash", "Cleo Loop", "Dev Fixed", "Eli New", "Fay Hand"] as const;
const C_COMPILE_ERROR = "int main(void) {\n  return x;\n}\n";

/**
 * "Who is stuck" end to end: a class of six whose runs go through the API and the real
 * sandbox — a C compile error, a Python crash, a student failing three times in a row (the
 * third while the teacher watches), one who fixed their error, one who never ran and one with
 * a raised hand. The teacher's filters show exactly the right tiles, each saying why, with
 * the right counts, and the raised hand first.
 */
describe("the dashboard's who-is-stuck filters", () => {
  const room = useClassroom({
    session: { name: "Stuck lab", language: "python", starterCode: "print('hi')\n" },
    students: NAMES,
    pages: "teacher",
    pageOptions: { viewport: { width: 1280, height: 900 } },
  });
  let teacher: Page;
  let session: Session;
  const who = (name: (typeof NAMES)[number]): Member => room.student(NAMES.indexOf(name));

  /** Runs `code` as `student` through the API and waits until it has ended and been stored. */
  const run = async (student: Member, language: Language, code: string) => {
    const res = await startRunByApi(room.url, student.token, session.id, { language, code });
    expect(res.status, await res.clone().text()).toBe(201);
    const { run: started } = await res.json();
    await waitForText(
      async () => {
        const reply = await fetch(`${room.url}/api/runs/${started.id}`, {
          headers: { authorization: `Bearer ${student.token}` },
        });
        const { run: now } = await reply.json();
        return now.finishedAt ? now.status : undefined;
      },
      /finished/,
      30_000,
      (last) => `run ${started.id} of ${student.account.name} did not finish (last: ${last})`,
    );
  };

  const toolbar = () => teacher.getByRole("search");
  const chip = (label: RegExp) => toolbar().getByRole("button", { name: label });
  /** The names on the tiles shown, in order, joined by " | ". */
  const shownNames = (pattern: RegExp) =>
    waitForText(
      async () => (await teacher.getByTestId("tile-name").allInnerTexts()).join(" | "),
      pattern,
      15_000,
      (last) => `tiles were "${last}", wanted ${pattern}`,
    );
  const why = (name: string) =>
    teacher
      .getByRole("list", { name: "Students" })
      .getByRole("link", { name: new RegExp(`^${name}`) })
      .getByTestId("tile-why");

  beforeAll(async () => {
    ({ session } = room);
    teacher = room.teacher.page;
    await run(who("Ada Compile"), "c", C_COMPILE_ERROR);
    await run(who("Ben Crash"), "python", "print(1 / 0)");
    await run(who("Cleo Loop"), "python", "raise SystemExit(1)");
    await run(who("Cleo Loop"), "python", "print(undefined_name)");
    await run(who("Dev Fixed"), "python", "print(1 +");
    await run(who("Dev Fixed"), "python", "print(1 + 1)");
    await run(who("Fay Hand"), "python", "print('done')");
    const hand = await fetch(`${room.url}/api/sessions/${session.id}/hands`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${who("Fay Hand").token}` },
      body: JSON.stringify({ message: "Is this right?" }),
    });
    expect(hand.status, await hand.clone().text()).toBeLessThan(300);
  });

  it("counts each group in the toolbar, live as a run fails again", async () => {
    await teacher.goto(`/sessions/${session.id}`);
    await textOf(toolbar(), /6 students/);
    await textOf(chip(/with errors$/), /^3 with errors$/);
    await textOf(chip(/hands? raised$/), /^1 hand raised$/);
    await textOf(chip(/never ran$/), /^1 never ran$/);
    await textOf(chip(/failing repeatedly$/), /^0 failing repeatedly$/);
    // Cleo's third failure in a row arrives on the channel while the teacher watches.
    await run(who("Cleo Loop"), "python", "import sys; sys.exit(2)");
    await textOf(chip(/failing repeatedly$/), /^1 failing repeatedly$/);
    await textOf(chip(/with errors$/), /^3 with errors$/);
  });

  it("puts the raised hand first and marks its tile", async () => {
    await shownNames(/^Fay Hand \| Ada Compile \| Ben Crash \| Cleo Loop \| Dev Fixed \| Eli New$/);
    const fay = teacher.getByTestId("student-tile").first();
    expect(await fay.getAttribute("data-hand")).toBe("true");
    await textOf(fay.getByTestId("hand-badge"), /1st/);
  });

  it("shows exactly the students whose last run failed, each saying why", async () => {
    await chip(/with errors$/).click();
    expect(await chip(/with errors$/).getAttribute("aria-pressed")).toBe("true");
    await shownNames(/^Ada Compile \| Ben Crash \| Cleo Loop$/);
    await textOf(toolbar(), /Showing 3 of 6/);
    await textOf(why("Ada Compile"), /^Last run: compile error$/);
    await textOf(why("Ben Crash"), /^Last run: runtime error$/);
    await textOf(why("Cleo Loop"), /^Last run: runtime error$/);
  });

  it("shows who fails repeatedly, who never ran and who has a hand up", async () => {
    await chip(/failing repeatedly$/).click();
    await shownNames(/^Cleo Loop$/);
    await textOf(why("Cleo Loop"), /^3 failed runs in a row, last: runtime error$/);
    expect(await chip(/with errors$/).getAttribute("aria-pressed")).toBe("false");

    await chip(/never ran$/).click();
    await shownNames(/^Eli New$/);
    await textOf(why("Eli New"), /^Never ran$/);

    await chip(/hands? raised$/).click();
    await shownNames(/^Fay Hand$/);
    await textOf(why("Fay Hand"), /^Hand raised (just now|\d+ s ago)$/);

    // The keyboard: focus the "All" chip and press it.
    await chip(/^All /).focus();
    await teacher.keyboard.press("Enter");
    await shownNames(/^Fay Hand \| Ada Compile/);
    await textOf(toolbar(), /6 students/);
  });
});
