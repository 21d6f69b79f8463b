import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { person, signUpInUi, textOf, waitForPath } from "../support/app.ts";
import { useStage } from "../support/classroom.ts";

/**
 * Issue 8, item 9: the first account of a fresh install, registered from another machine,
 * needs the setup token the server printed at start. Chromium runs on the server's machine
 * here, so "another machine" is a browser whose requests carry X-Forwarded-For, as through
 * a proxy.
 */
describe("the first account from another machine asks for the setup token", () => {
  // The server's fresh data dir holds the setup token it printed.
  const stage = useStage();
  let remote: Page;
  const operator = person("Olive Operator", "teacher");

  beforeAll(async () => {
    remote = await stage.page({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.9" } });
  });

  it("on the server's own machine the register page needs no token", async () => {
    const local = await stage.page();
    await local.goto("/register");
    await textOf(local.getByRole("main"), /You are setting up this server/);
    expect(await local.getByLabel("Setup token").count()).toBe(0);
    await local.context().close();
  });

  it("from elsewhere: the page asks for the token, refuses without it, and creates the admin with it", async () => {
    await remote.goto("/register");
    await textOf(remote.getByRole("main"), /You are setting up this server/);
    const tokenField = remote.getByLabel("Setup token");
    await tokenField.waitFor();

    await signUpInUi(remote, operator);
    await textOf(remote.getByRole("alert"), /needs the setup token/);
    expect(new URL(remote.url()).pathname).toBe("/register");

    const token = (await readFile(path.join(stage.server.dataDir, "setup-token"), "utf8")).trim();
    await tokenField.fill(token);
    await remote.getByRole("button", { name: "Create account" }).click();
    await waitForPath(remote, /^\/$/);
    await textOf(remote.getByTestId("current-user"), /Olive Operator\s*Admin/);
  });
});
