import { studentDocumentName } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChannel } from "../channel-client.ts";
import { openDoc } from "../collab-client.ts";
import { buildSession, buildUser, joinSession } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

describe("the roster's last edit", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("shows an edit the server has received, before the document is saved", async () => {
    const url = await server.listen();
    const teacher = await buildUser(server, { role: "teacher" });
    const session = await buildSession(server, teacher);
    const student = await buildUser(server, { name: "Quick" });
    await joinSession(server, student, session.joinCode);
    const name = studentDocumentName(session.id, student.id);
    const mine = openDoc(url, { name, token: student.accessToken });
    // The teacher's view of the document: it has the edit once the server has taken it.
    const theirs = openDoc(url, { name, token: teacher.accessToken });
    try {
      await Promise.all([mine.synced, theirs.synced]);
      const before = Date.now();
      mine.code.insert(0, "print('first')\n");
      await retryableAssertion(() => expect(theirs.code.toString()).toContain("print('first')"));
      // The dashboard opens at once: the "edited" event went out before it subscribed.
      const channel = await openChannel(url, session.id, teacher.accessToken);
      const ready = await channel.next((m) => m.type === "ready");
      channel.close();
      const entry = ready.type === "ready" ? ready.roster.find((r) => r.userId === student.id) : undefined;
      expect(entry?.lastEditAt).toBeTruthy();
      expect(Date.parse(entry?.lastEditAt ?? "")).toBeGreaterThanOrEqual(before - 1000);
    } finally {
      mine.destroy();
      theirs.destroy();
    }
  });
});
