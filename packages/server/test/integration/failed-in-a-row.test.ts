import type { RosterEntry, Session } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChannel } from "../channel-client.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

/** The roster's `failedInARow`, from real sandbox runs, as a teacher's channel receives it. */
describe("failed runs in a row on the roster", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;
  let ada: TestUser;
  let grace: TestUser;
  let linus: TestUser;
  let session: Session;

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher", name: "Teacher" });
    ada = await buildUser(server, { name: "Ada" });
    grace = await buildUser(server, { name: "Grace" });
    linus = await buildUser(server, { name: "Linus" });
    session = await buildSession(server, teacher, { name: "Stuck" });
    for (const user of [ada, grace, linus]) await joinSession(server, user, session.joinCode);
  });
  afterAll(() => server?.close());

  /** Runs `code` as `user` and waits until it has ended (`finishedAt` is set once its row is written). */
  const run = async (user: TestUser, language: string, code: string) => {
    const res = await server.call("POST", `/api/sessions/${session.id}/runs`, {
      token: user.accessToken,
      body: { language, code },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id: string = res.json().run.id;
    await retryableAssertion(async () => {
      const stored = await server.call("GET", `/api/runs/${id}`, { token: teacher.accessToken });
      expect(stored.json().run).toMatchObject({ status: "finished", finishedAt: expect.any(String) });
    }, 30_000);
  };

  /** Each student's `failedInARow` in a fresh teacher's channel roster. */
  const streaks = async (): Promise<Record<string, number>> => {
    const channel = await openChannel(url, session.id, teacher.accessToken);
    try {
      const ready = await channel.next((m) => m.type === "ready");
      if (ready.type !== "ready") throw new Error("no roster");
      return Object.fromEntries(ready.roster.map((e: RosterEntry) => [e.name, e.failedInARow]));
    } finally {
      channel.close();
    }
  };

  it("counts failed runs since the last success, per student, with the compiler's errors", async () => {
    expect(await streaks()).toEqual({ Ada: 0, Grace: 0, Linus: 0 });
    await run(ada, "python", "print('fine')");
    await run(ada, "python", "raise SystemExit(2)");
    await run(ada, "python", "print(1 +");
    await run(ada, "python", "1 / 0");
    await run(grace, "c", "int main(void) {\n  return x;\n}\n");
    expect(await streaks()).toEqual({ Ada: 3, Grace: 1, Linus: 0 });

    await run(ada, "python", "print('fixed')");
    expect(await streaks()).toEqual({ Ada: 0, Grace: 1, Linus: 0 });
  });

  it("gives a student their own count only", async () => {
    await run(linus, "python", "import sys; sys.exit(1)");
    const channel = await openChannel(url, session.id, linus.accessToken);
    try {
      const ready = await channel.next((m) => m.type === "ready");
      expect(ready).toMatchObject({ roster: [{ userId: linus.id, failedInARow: 1 }] });
    } finally {
      channel.close();
    }
  });
});
