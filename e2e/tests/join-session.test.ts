import { JOIN_CODE_ALPHABET } from "@observer/protocol";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { person, registerByApi, signUpInUi, textOf, waitForPath } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useStage } from "../support/classroom.ts";

/**
 * A teacher and a student, each in their own browser context, meet in one session: the
 * teacher creates it and reads the code off the screen, the student types it in lower case.
 */
describe("a teacher creates a session and a student joins it", () => {
  const stage = useStage();
  let teacher: Page;
  let student: Page;
  const teacherAccount = person("Grace Teacher", "teacher");
  const studentAccount = person("Alan Student", "student");
  const sessionName = "Loops in Python — period 3";
  let joinCode = "";
  let sessionPath = "";

  beforeAll(async () => {
    // The install's first account becomes its administrator; make it here so the teacher
    // below is an ordinary teacher.
    await registerByApi(stage.url, person("Ops Admin", "teacher"));
    teacher = await stage.page();
    student = await stage.page();
    await teacher.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: stage.url });
  });

  it("the teacher signs up, creates a session and sees its join code big", async () => {
    await teacher.goto("/register");
    await signUpInUi(teacher, teacherAccount);
    await waitForPath(teacher, /^\/$/);
    expect(await textOf(teacher.getByTestId("current-user"))).toMatch(/Grace Teacher\s*Teacher/);

    const form = teacher.getByRole("form", { name: "Create a session" });
    await form.getByLabel("Session name").fill(sessionName);
    await form.getByLabel("Language").selectOption("python");
    await form.getByLabel("Starter code (optional)").fill('for i in range(3):\n    print("hello", i)\n');
    await form.getByRole("button", { name: "Create session" }).click();

    joinCode = await textOf(teacher.getByTestId("join-code"), /^\S{6}$/);
    expect([...joinCode].every((c) => JOIN_CODE_ALPHABET.includes(c))).toBe(true);
    // Readable from the back of the room: a big monospace font.
    const style = await teacher.getByTestId("join-code").evaluate((el) => ({
      size: Number.parseFloat(getComputedStyle(el).fontSize),
      font: getComputedStyle(el).fontFamily,
    }));
    expect(style.size).toBeGreaterThanOrEqual(64);
    expect(style.font).toMatch(/mono/i);

    const list = teacher.getByRole("list", { name: "Your sessions" });
    await textOf(list, new RegExp(sessionName));
    await screenshot(teacher, "teacher-home");

    await teacher.getByRole("button", { name: "Copy join code" }).click();
    await textOf(teacher.getByRole("button", { name: "Copy join code" }), /Copied/);
    expect(await teacher.evaluate(() => navigator.clipboard.readText())).toBe(joinCode);
    await teacher.getByRole("button", { name: "Copy join link" }).click();
    expect(await teacher.evaluate(() => navigator.clipboard.readText())).toBe(
      `${stage.url}/join/${joinCode}`,
    );

    await textOf(teacher.getByRole("button", { name: "Copy join code" }), /^Copy join code$/, 5_000);

    // The same page on a phone: nothing sticks out sideways, every panel keeps its margins.
    await teacher.setViewportSize({ width: 375, height: 812 });
    const layout = await teacher.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      rightEdges: [...document.querySelectorAll("main section")].map((s) => s.getBoundingClientRect().right),
      codeRight: document.querySelector('[data-testid="join-code"]')?.getBoundingClientRect().right ?? 0,
    }));
    expect(layout.overflow).toBeLessThanOrEqual(0);
    expect(layout.rightEdges.length).toBeGreaterThanOrEqual(3);
    for (const right of layout.rightEdges) expect(right).toBeLessThanOrEqual(375 - 16 + 0.5);
    expect(layout.codeRight).toBeLessThanOrEqual(375 - 16);
    await screenshot(teacher, "teacher-home-phone");
    await teacher.setViewportSize({ width: 1280, height: 860 });

    await teacher.getByRole("link", { name: "Open session" }).click();
    sessionPath = await waitForPath(teacher, /^\/sessions\/[0-9a-f-]{36}$/);
    await textOf(teacher.getByRole("heading", { level: 1 }), new RegExp(sessionName));
    expect(await textOf(teacher.getByTestId("join-code"))).toBe(joinCode);
    await textOf(teacher.getByRole("main"), /No students yet/);
  });

  it("the student signs up and joins with the code typed in lower case", async () => {
    await student.goto("/register");
    await signUpInUi(student, studentAccount);
    await waitForPath(student, /^\/$/);

    const form = student.getByRole("form", { name: "Join a session" });
    const input = form.getByLabel("Join code");
    await input.fill(joinCode.toLowerCase());
    // Shown upper-case for the student, sent as typed.
    expect(await input.evaluate((el) => getComputedStyle(el).textTransform)).toBe("uppercase");
    await form.getByRole("button", { name: "Join" }).click();

    expect(await waitForPath(student, /^\/sessions\//)).toBe(sessionPath);
    await textOf(student.getByRole("heading", { level: 1 }), new RegExp(sessionName));
    await textOf(student.getByRole("main"), /Teacher: Grace Teacher/);
    // The student's own editor opens with the session's starter code.
    await textOf(student.getByTestId("save-state"), /Saved/);
    await textOf(student.getByRole("region", { name: "Editor" }), /print\("hello", i\)/);
    expect(await student.getByTestId("join-code").count()).toBe(0);
    await screenshot(student, "student-session");

    await student.getByRole("link", { name: "Home" }).click();
    await textOf(student.getByRole("list", { name: "Your sessions" }), /with Grace Teacher/);
  });

  it("the teacher's dashboard shows the student live, without a reload", async () => {
    const tiles = teacher.getByRole("list", { name: "Students" });
    const tile = tiles.getByRole("link", { name: "Alan Student" });
    await tile.waitFor();
    await textOf(tile, /Python/);
    await textOf(tile.getByTestId("code-preview"), /print\("hello", i\)/);
    await textOf(teacher.getByRole("main"), /1 student, 0 online/);
    expect(await teacher.getByText("No students yet").count()).toBe(0);
    await screenshot(teacher, "teacher-session");

    // Following the system theme live: the page turns dark when the system does.
    await teacher.emulateMedia({ colorScheme: "dark" });
    await teacher.waitForFunction(() => document.documentElement.classList.contains("dark"));
    await screenshot(teacher, "teacher-session-dark");
    await teacher.emulateMedia({ colorScheme: "light" });
    await teacher.waitForFunction(() => !document.documentElement.classList.contains("dark"));
  });

  it("ending the session shows the banner to both and stops new joins", async () => {
    await teacher.getByRole("button", { name: "End session" }).click();
    const dialog = teacher.getByRole("dialog", { name: "End this session?" });
    await dialog.getByRole("button", { name: "End session" }).click();
    await textOf(teacher.getByRole("main"), /This session has ended/);
    expect(await teacher.getByRole("button", { name: "End session" }).count()).toBe(0);

    await student.goto(sessionPath);
    await textOf(student.getByRole("main"), /This session has ended/);

    await student.goto(`/join/${joinCode.toLowerCase()}`);
    await textOf(student.getByRole("alert"), /This session has ended/);
    await student.getByRole("link", { name: "Go to the home page" }).click();
    await waitForPath(student, /^\/$/);
  });

  it("the login page follows a dark system theme", async () => {
    const visitor = await stage.page({ colorScheme: "dark" });
    await visitor.goto("/login");
    await visitor.getByRole("button", { name: "Log in", exact: true }).waitFor();
    expect(await visitor.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(true);
    const background = await visitor.evaluate(
      () => getComputedStyle(document.documentElement).backgroundColor,
    );
    expect(background).not.toBe("rgb(248, 250, 252)");
    await screenshot(visitor, "login-dark");

    // The toggle cycles system → light → dark and the choice survives a reload.
    const toggle = visitor.getByRole("button", { name: /^Theme:/ });
    await toggle.click();
    expect(await visitor.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(false);
    await visitor.reload();
    await visitor.getByRole("button", { name: "Log in", exact: true }).waitFor();
    expect(await visitor.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(false);
    await visitor.context().close();
  });
});
