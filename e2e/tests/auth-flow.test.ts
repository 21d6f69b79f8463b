import type { Session } from "@observer/protocol";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { logInInUi, person, signUpInUi, textOf, waitForPath } from "../support/app.ts";
import { useClassroom } from "../support/classroom.ts";

/** Signs in through a join link, keeps the login across reloads and tabs, and logs out. */
describe("logging in through a join link, staying logged in, logging out", () => {
  // Barbara is the install's first account here; Ada signs up through the join link.
  const room = useClassroom({
    admin: false,
    teacher: "Barbara Teacher",
    session: { name: "Recursion", language: "java" },
  });
  let page: Page;
  let session: Session;
  const student = person("Ada Student", "student");

  const heading = () => page.getByRole("heading", { level: 1 });

  beforeAll(async () => {
    ({ session } = room);
    page = await room.page();
  });

  it("a join link opened while logged out leads to sign-up, then into the session", async () => {
    const joinPath = `/join/${session.joinCode}`;
    await page.goto(joinPath);
    await waitForPath(page, /^\/login\?/);
    expect(new URL(page.url()).searchParams.get("next")).toBe(joinPath);
    await textOf(page.getByRole("main"), /Log in to join the session/);

    await page.getByRole("link", { name: "Create an account" }).click();
    await waitForPath(page, /^\/register\?/);
    expect(new URL(page.url()).searchParams.get("next")).toBe(joinPath);
    // Someone arriving through a join link is most likely a student.
    expect(await page.getByRole("radio", { name: /Student/ }).isChecked()).toBe(true);

    await signUpInUi(page, student);
    expect(await waitForPath(page, /^\/sessions\//)).toBe(`/sessions/${session.id}`);
    await textOf(heading(), /Recursion/);
    await textOf(page.getByRole("main"), /Teacher: Barbara Teacher/);
  });

  it("a reload keeps the user logged in through the HttpOnly refresh cookie", async () => {
    for (let i = 0; i < 3; i++) {
      await page.reload();
      await textOf(heading(), /Recursion/);
    }
    expect(page.url()).toBe(`${room.url}/sessions/${session.id}`);
    await textOf(page.getByTestId("current-user"), /Ada Student/);

    const cookies = await page.context().cookies();
    const refresh = cookies.find((c) => c.name === "observer_refresh");
    expect(refresh?.httpOnly).toBe(true);
    // The access token lives only in memory: nothing JWT-like in web storage.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(stored).not.toMatch(/eyJ/);
  });

  it("tabs restoring the login at the same moment take turns and keep the login", async () => {
    const context = page.context();
    const tabs = await Promise.all([context.newPage(), context.newPage(), context.newPage()]);
    await Promise.all(tabs.map((tab) => tab.goto("/")));
    for (const tab of tabs) {
      await textOf(tab.getByRole("list", { name: "Your sessions" }), /Recursion/);
    }
    await Promise.all(tabs.map((tab) => tab.close()));
    // Had two tabs presented the same refresh token, the server would have revoked the login.
    await page.reload();
    await textOf(heading(), /Recursion/);
  });

  it("logout shows the login page, and a reload stays logged out", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await waitForPath(page, /^\/login$/);
    await page.reload();
    await page.getByRole("button", { name: "Log in", exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(await page.getByTestId("current-user").count()).toBe(0);

    await page.goto(`/sessions/${session.id}`);
    await waitForPath(page, /^\/login\?/);
    expect(new URL(page.url()).searchParams.get("next")).toBe(`/sessions/${session.id}`);
  });

  it("logging in shows the API's error next to the form, then returns to `next`", async () => {
    await logInInUi(page, { email: student.email, password: "not the password" });
    await textOf(page.getByRole("alert"), /email or password is wrong/i);
    expect(new URL(page.url()).pathname).toBe("/login");

    await logInInUi(page, student);
    expect(await waitForPath(page, /^\/sessions\//)).toBe(`/sessions/${session.id}`);
    await textOf(heading(), /Recursion/);
  });

  it("an unknown join code and an unknown page are explained, with a way home", async () => {
    await page.goto("/join/zzzzzz");
    await textOf(page.getByRole("alert"), /No session with this code/);
    await page.getByRole("link", { name: "Go to the home page" }).click();
    await waitForPath(page, /^\/$/);

    await page.goto("/no/such/page");
    await textOf(heading(), /Page not found/);
  });
});
