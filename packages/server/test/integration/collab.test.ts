import { studentDocumentName } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDoc } from "../collab-client.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

describe("live code over /collab", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;
  let student: TestUser;
  let sessionId: string;
  let name: string;

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher" });
    student = await buildUser(server, { role: "student" });
    const session = await buildSession(server, teacher, { language: "python", starterCode: "print('hi')\n" });
    sessionId = session.id;
    await joinSession(server, student, session.joinCode);
    name = studentDocumentName(sessionId, student.id);
  });
  afterAll(() => server.close());

  it("gives a student's document the starter code and language, and syncs both ways with the teacher", async () => {
    const mine = openDoc(url, { name, token: student.accessToken });
    const theirs = openDoc(url, { name, token: teacher.accessToken });
    try {
      await Promise.all([mine.synced, theirs.synced]);
      expect(mine.code.toString()).toBe("print('hi')\n");
      expect(mine.meta.get("language")).toBe("python");
      mine.code.insert(mine.code.length, "x = 1\n");
      await retryableAssertion(() => expect(theirs.code.toString()).toBe("print('hi')\nx = 1\n"));
      theirs.code.insert(0, "# teacher\n");
      await retryableAssertion(() => expect(mine.code.toString()).toBe("# teacher\nprint('hi')\nx = 1\n"));
    } finally {
      mine.destroy();
      theirs.destroy();
    }
  });
});
