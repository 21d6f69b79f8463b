import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { person, registerByApi, signUpInUi, textOf, waitForPath } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useStage } from "../support/classroom.ts";

/** The first account sets the server up as its administrator; teacher sign-up is closed. */
describe("administration on a server with teacher sign-up closed", () => {
  const stage = useStage({ OBSERVER_TEACHER_SIGNUP: "closed" });
  let admin: Page;
  const adminAccount = person("Margaret Admin", "teacher");

  beforeAll(async () => {
    admin = await stage.page();
  });

  it("the first account is told it becomes the administrator, and does", async () => {
    await admin.goto("/register");
    await textOf(admin.getByRole("main"), /first account, so it becomes the administrator/);
    expect(await admin.getByRole("radio").count()).toBe(0);
    await signUpInUi(admin, adminAccount);
    await waitForPath(admin, /^\/$/);
    await textOf(admin.getByTestId("current-user"), /Margaret Admin\s*Admin/);
    // Admins teach too: the teacher's home page.
    await admin.getByRole("form", { name: "Create a session" }).waitFor();
  });

  it("later visitors cannot pick teacher while teacher sign-up is closed", async () => {
    const visitor = await stage.page();
    await visitor.goto("/register");
    await textOf(visitor.getByRole("main"), /Teacher sign-up is closed/);
    expect(await visitor.getByRole("radio", { name: /Teacher/ }).isDisabled()).toBe(true);
    expect(await visitor.getByRole("radio", { name: /Student/ }).isDisabled()).toBe(false);
    await visitor.context().close();
  });

  it("the admin page lists users; the admin changes another's role but not their own", async () => {
    const student = person("Katherine Student", "student");
    await registerByApi(stage.url, student);

    await admin.getByRole("link", { name: "Admin" }).click();
    await waitForPath(admin, /^\/admin$/);
    const users = admin.getByRole("region", { name: /Users/ });
    await textOf(users, /Katherine Student/);
    expect(await admin.getByLabel("Role of Margaret Admin").isDisabled()).toBe(true);
    expect(await admin.getByLabel("Margaret Admin is active").isDisabled()).toBe(true);

    await admin.getByLabel("Role of Katherine Student").selectOption("teacher");
    await admin.reload();
    await textOf(admin.getByRole("region", { name: /Users/ }), /Katherine Student/);
    expect(await admin.getByLabel("Role of Katherine Student").inputValue()).toBe("teacher");

    // The switch follows the server: it flips once the API has saved the change.
    const active = admin.getByLabel("Katherine Student is active");
    await active.click();
    await admin.waitForFunction(() => {
      const box = document.querySelector<HTMLInputElement>('[aria-label="Katherine Student is active"]');
      return box !== null && !box.checked;
    });
    await admin.reload();
    await textOf(admin.getByRole("region", { name: /Users/ }), /Katherine Student/);
    expect(await admin.getByLabel("Katherine Student is active").isChecked()).toBe(false);
    await screenshot(admin, "admin");
  });
});
