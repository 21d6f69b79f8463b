import { describe, expect, it } from "vitest";
import { textOf } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";

/** Sockets a page may open after the revocation: the channel and the collab socket, each closed once with 4403. */
const MAX_OPENS_AFTER = 2;

/**
 * A student deactivated by an admin while in a session: the server closes their sockets with
 * 4403; the page says so in place and stops reconnecting (no retry storm).
 */
describe("a student whose access was revoked while working", () => {
  const room = useClassroom({
    teacher: "Grace Revoker",
    session: { name: "Revoked", language: "python", starterCode: "print('hello')\n" },
    students: ["Ada Revoked"],
    pages: "students",
  });

  it("shows that access is gone and stops reconnecting", async () => {
    const ada = room.student().page;
    await ada.goto(`/sessions/${room.session.id}`);
    await textOf(ada.getByTestId("save-state"), /Saved/);
    let opens = 0;
    ada.on("websocket", () => {
      opens += 1;
    });
    const response = await fetch(`${room.url}/api/admin/users/${room.student().id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${room.admin.token}` },
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
