import { studentDocumentName } from "@observer/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { openDoc } from "../collab-client.ts";
import { buildSession, buildUser, joinSession } from "../factories.ts";
import { durableTestDatabase, startTestServer } from "../support.ts";

describe("live code across a restart", () => {
  const database = durableTestDatabase();
  afterAll(() => database.drop());

  it("saves what is in memory on a graceful shutdown and serves it after a restart", async () => {
    const first = await startTestServer({ database });
    const url = await first.listen();
    const teacher = await buildUser(first, { role: "teacher" });
    const student = await buildUser(first);
    const session = await buildSession(first, teacher, { starterCode: "start\n" });
    await joinSession(first, student, session.joinCode);
    const name = studentDocumentName(session.id, student.id);
    const mine = openDoc(url, { name, token: student.accessToken });
    await mine.synced;
    mine.code.insert(mine.code.length, "typed just before shutdown\n");
    await expect
      .poll(() => first.collab.hocuspocus.documents.get(name)?.getText("code").toString())
      .toBe("start\ntyped just before shutdown\n");
    // Close at once: the debounced save has not run yet, so only the shutdown save can keep it.
    mine.destroy();
    await first.app.close();

    const second = await startTestServer({ database, seedAdmin: false });
    try {
      const url2 = await second.listen();
      const reader = openDoc(url2, { name, token: teacher.accessToken });
      await reader.synced;
      expect(reader.code.toString()).toBe("start\ntyped just before shutdown\n");
      expect(reader.meta.get("language")).toBe("python");
      reader.destroy();
    } finally {
      await second.close();
    }
  });
});
