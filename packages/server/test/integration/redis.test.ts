import type { HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { CLOSE_CODES, studentDocumentName } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { openChannel } from "../channel-client.ts";
import { openDoc } from "../collab-client.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion } from "../support.ts";
import { openTerminal } from "../terminal-client.ts";
import { useTwoInstances } from "../two-instances.ts";

/**
 * Runs only in the integration-redis project (TEST_REDIS_URL and TEST_DATABASE_URL set): server
 * instances sharing one Redis count rate limits and failed logins together, and instances
 * sharing PostgreSQL and Redis serve the same documents and session events.
 */
describe("two instances sharing Redis", () => {
  const servers = useTwoInstances({
    sharedDatabase: false,
    config: { rateLimits: { apiPerMinute: 6, authPerMinute: 1000, loginFailuresPerAccount: 4 } },
  });

  it("counts one address's requests across both instances", async () => {
    const { a, b } = servers;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await a.call("GET", "/api/config")).statusCode);
      statuses.push((await b.call("GET", "/api/config")).statusCode);
    }
    expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(statuses.slice(6)).toEqual([429, 429]);
    const limited = await a.call("GET", "/api/config");
    expect(limited.json().error.code).toBe("rate_limited");
  });

  it("counts failed logins of one account across both instances", async () => {
    const { a, b } = servers;
    const email = `shared-${Date.now()}@example.org`;
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      for (const server of [a, b]) {
        const res = await server.call("POST", "/api/auth/login", {
          body: { email, password: "guess-guess" },
        });
        codes.push(res.json().error.code);
      }
    }
    expect(codes).toEqual([
      "invalid_credentials",
      "invalid_credentials",
      "invalid_credentials",
      "invalid_credentials",
      "login_throttled",
      "login_throttled",
    ]);
  });
});

describe("two instances sharing PostgreSQL and Redis", () => {
  const servers = useTwoInstances();

  it("syncs a student typing on one instance to the teacher on the other, and relays session events", async () => {
    const { a, b } = servers;
    const [urlA, urlB] = [await a.listen(), await b.listen()];
    const teacher = await buildUser(a, { role: "teacher" });
    const session = await buildSession(a, teacher, { starterCode: "# start\n" });
    const channel = await openChannel(urlB, session.id, teacher.accessToken);
    await channel.next((m) => m.type === "ready");
    const student = await buildUser(b);
    await joinSession(a, student, session.joinCode);
    await channel.next((m) => m.type === "participant_joined");

    const name = studentDocumentName(session.id, student.id);
    const mine = openDoc(urlA, { name, token: student.accessToken });
    const theirs = openDoc(urlB, { name, token: teacher.accessToken });
    try {
      await Promise.all([mine.synced, theirs.synced]);
      expect(theirs.code.toString()).toBe("# start\n");
      mine.code.insert(mine.code.length, "print('from A')\n");
      await retryableAssertion(() => expect(theirs.code.toString()).toBe("# start\nprint('from A')\n"));
      theirs.code.insert(0, "# teacher on B\n");
      await retryableAssertion(() =>
        expect(mine.code.toString()).toBe("# teacher on B\n# start\nprint('from A')\n"),
      );
      await channel.next((m) => m.type === "edited" && m.userId === student.id);
    } finally {
      mine.destroy();
      theirs.destroy();
      channel.close();
    }
  });

  it("closes the sockets on one instance of a login ended, or an account deactivated, on the other", async () => {
    const { a, b } = servers;
    const urlB = await b.listen();
    const admin = a.admin as TestUser;
    const teacher = await buildUser(a, { role: "teacher" });
    const session = await buildSession(a, teacher);
    const student = await buildUser(a);
    await joinSession(a, student, session.joinCode);

    // Logout on A: the student's channel and document on B close with 4401.
    const channel = await openChannel(urlB, session.id, student.accessToken);
    await channel.next((m) => m.type === "ready");
    const doc = openDoc(urlB, {
      name: studentDocumentName(session.id, student.id),
      token: student.accessToken,
    });
    const docClosed = new Promise<number>((resolve) =>
      (doc.provider.configuration.websocketProvider as HocuspocusProviderWebsocket).on(
        "close",
        ({ event }: { event: { code: number } }) => resolve(event.code),
      ),
    );
    await doc.synced;
    try {
      const logout = await a.call("POST", "/api/auth/logout", {
        token: student.accessToken,
        cookies: { observer_refresh: student.refreshToken },
      });
      expect(logout.statusCode).toBe(204);
      expect(await channel.closed).toBe(CLOSE_CODES.unauthorized);
      expect(await docClosed).toBe(CLOSE_CODES.unauthorized);
    } finally {
      doc.destroy();
      channel.close();
    }

    // Deactivated by an admin on A: the teacher's dashboard channel on B closes with 4403.
    const dashboard = await openChannel(urlB, session.id, teacher.accessToken);
    await dashboard.next((m) => m.type === "ready");
    const deactivated = await a.call("PATCH", `/api/admin/users/${teacher.id}`, {
      token: admin.accessToken,
      body: { active: false },
    });
    expect(deactivated.statusCode).toBe(200);
    expect(await dashboard.closed).toBe(CLOSE_CODES.forbidden);
  });

  it("lets a terminal on one instance follow, type into and stop a run on the other", async () => {
    const { a, b } = servers;
    const [urlA, urlB] = [await a.listen(), await b.listen()];
    const teacher = await buildUser(a, { role: "teacher" });
    const session = await buildSession(a, teacher);
    const student = await buildUser(a);
    await joinSession(a, student, session.joinCode);
    const started = await a.call("POST", `/api/sessions/${session.id}/runs`, {
      token: student.accessToken,
      body: {
        language: "python",
        code: 'print("before", flush=True)\nname = input()\nprint(f"after {name}")',
      },
    });
    expect(started.statusCode, started.body).toBe(201);
    const runId = started.json().run.id;
    const local = await openTerminal(urlA, runId, student.accessToken);
    await local.waitForOutput("before");
    // The teacher's terminal lands on the other instance: the output so far, then live.
    const remote = await openTerminal(urlB, runId, teacher.accessToken);
    await remote.waitForOutput("before");
    remote.send({ type: "stdin", data: "from B\r" });
    const [localExit, remoteExit] = await Promise.all([local.exit, remote.exit]);
    expect(remoteExit).toEqual(localExit);
    expect(localExit.exitCode).toBe(0);
    expect(remote.output()).toBe(local.output());
    expect(local.output()).toContain("after from B");

    // Stop from the other instance.
    const looping = await a.call("POST", `/api/sessions/${session.id}/runs`, {
      token: student.accessToken,
      body: { language: "python", code: 'print("spinning", flush=True)\nwhile True: pass' },
    });
    const stopper = await openTerminal(urlB, looping.json().run.id, student.accessToken);
    await stopper.waitForOutput("spinning");
    stopper.send({ type: "kill" });
    expect((await stopper.exit).killedFor).toBe("user");
  });
});
