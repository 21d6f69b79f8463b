import { studentDocumentName } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { openChannel } from "../channel-client.ts";
import { openWatched as open, typedAndAnswered as typed } from "../collab-client.ts";
import { buildSession, buildUser, expectApiError, joinSession } from "../factories.ts";
import { retryableAssertion } from "../support.ts";
import { useTwoInstances } from "../two-instances.ts";

/**
 * Runs only in the integration-redis project (TEST_REDIS_URL and TEST_DATABASE_URL set): the
 * class controls set on one instance bind the students connected to another.
 */
describe("class controls across two instances sharing PostgreSQL and Redis", () => {
  const servers = useTwoInstances();

  it("a lock set on B binds a student connected to A (the teacher on B still edits); unlocked on B, A takes their edits again", async () => {
    const { a, b } = servers;
    const [urlA, urlB] = [await a.listen(), await b.listen()];
    const teacher = await buildUser(a, { role: "teacher" });
    const session = await buildSession(a, teacher, { starterCode: "start\n" });
    const student = await buildUser(a);
    await joinSession(a, student, session.joinCode);
    const name = studentDocumentName(session.id, student.id);
    const mine = await open(urlA, name, student.accessToken);
    const theirs = await open(urlB, name, teacher.accessToken);
    const channel = await openChannel(urlA, session.id, student.accessToken);
    try {
      await channel.next((m) => m.type === "ready");
      expect(await typed(mine, "before\n")).toBe(true);
      await retryableAssertion(() => expect(theirs.client.code.toString()).toBe("start\nbefore\n"));

      const locked = await b.call("PATCH", `/api/sessions/${session.id}`, {
        token: teacher.accessToken,
        body: { editing: "locked", running: "denied" },
      });
      expect(locked.statusCode, locked.body).toBe(200);
      // A has heard it once the student's channel there has (the lock travels first).
      await channel.next((m) => m.type === "session_updated" && m.session.editing === "locked");
      expect(await typed(mine, "LOCKED\n")).toBe(false);
      await retryableAssertion(() => expect(mine.answers.stateless).toHaveLength(1));
      expect(await typed(theirs, "teacher\n")).toBe(true);
      await retryableAssertion(() => expect(mine.client.code.toString()).toContain("teacher\n"));
      expect(theirs.client.code.toString()).toBe("start\nbefore\nteacher\n");
      const run = await a.call("POST", `/api/sessions/${session.id}/runs`, {
        token: student.accessToken,
        body: { language: "python", code: "print(1)\n" },
      });
      expectApiError(run, 403, "runs_disabled");

      const unlocked = await b.call("PATCH", `/api/sessions/${session.id}`, {
        token: teacher.accessToken,
        body: { editing: "open" },
      });
      expect(unlocked.statusCode, unlocked.body).toBe(200);
      await channel.next((m) => m.type === "session_updated" && m.session.editing === "open");
      // A asks the refused connection for what it lacks, then takes new edits.
      await retryableAssertion(() => expect(mine.answers.applied).toBe(3));
      expect(await typed(mine, "after\n")).toBe(true);
      await retryableAssertion(() => {
        const code = theirs.client.code.toString();
        expect(code).toContain("after\n");
        expect(code).toContain("LOCKED\n");
        expect(mine.client.code.toString()).toBe(code);
      });
    } finally {
      mine.client.destroy();
      theirs.client.destroy();
      channel.close();
    }
  });
});
