import type { Session } from "@observer/protocol";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSessionByApi,
  joinSessionByApi,
  logInAt,
  person,
  registerByApi,
  textOf,
} from "../support/app.ts";
import { launchBrowser, newUserPage, screenshot } from "../support/browser.ts";
import { type StartedServer, startServer } from "../support/server.ts";

/** Sockets a page may open after the revocation: the channel and the collab socket, each closed once with 4403. */
const MAX_OPENS_AFTER = 2;

/**
 * A student deactivated by an admin while in a session: the server closes their sockets with
 * 4403; the page says so in place and stops reconnecting (no retry storm).
 */
describe("a student whose access was revoked while working", () => {
  let server: StartedServer;
  let browser: Browser;
  let ada: Page;
  let session: Session;
  let adminToken: string;
  let adaId: string;
  const adaAccount = person("Ada Revoked", "student");

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    adminToken = (await registerByApi(server.url, person("Ops Admin", "teacher"))).accessToken;
    const grace = await registerByApi(server.url, person("Grace Revoker", "teacher"));
    session = await createSessionByApi(server.url, grace.accessToken, {
      name: "Revoked",
      language: "python",
      starterCode: "print('hello')\n",
    });
    const adaReply = await registerByApi(server.url, adaAccount);
    adaId = adaReply.user.id;
    await joinSessionByApi(server.url, adaReply.accessToken, session.joinCode);
    ada = await newUserPage(browser, server.url);
    await logInAt(ada, adaAccount);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows that access is gone and stops reconnecting", async () => {
    await ada.goto(`/sessions/${session.id}`);
    await textOf(ada.getByTestId("save-state"), /Saved/);
    let opens = 0;
    ada.on("websocket", () => {
      opens += 1;
    });
    const response = await fetch(`${server.url}/api/admin/users/${adaId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ active: false }),
    });
    expect(response.status).toBe(200);
    await textOf(ada.getByRole("alert").filter({ hasText: "You no longer have access to this session." }));
    // Long enough for several backoff steps (0.5 s, 1 s, 2 s, 4 s) had the page kept retrying.
    await ada.waitForTimeout(8000);
    expect(opens, "WebSocket opens after the revocation").toBeLessThanOrEqual(MAX_OPENS_AFTER);
    await screenshot(ada, "revoked-access", false);
  }, 60_000);
});
