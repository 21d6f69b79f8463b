import { AWARENESS_LIMITS, CLOSE_CODES, studentDocumentName } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { awarenessMessage, type DocClient, openDoc, rawSocket } from "../collab-client.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The close code, or "still open" when the socket is not closed within `ms`. */
const closedWithin = (client: DocClient, ms = 5000) =>
  Promise.race([client.closed, sleep(ms).then(() => "still open" as const)]);

/** Every awareness state the teacher's client has received, by client id. */
function watch(client: DocClient): Map<number, unknown[]> {
  const seen = new Map<number, unknown[]>();
  const awareness = client.provider.awareness;
  if (!awareness) throw new Error("no awareness");
  awareness.on("change", ({ added, updated }: { added: number[]; updated: number[] }) => {
    for (const id of [...added, ...updated]) {
      if (id === awareness.clientID) continue;
      const list = seen.get(id) ?? [];
      list.push(JSON.parse(JSON.stringify(awareness.getStates().get(id) ?? null)));
      seen.set(id, list);
    }
  });
  return seen;
}

/** A selection as y-monaco publishes it. */
function selectionIn(client: DocClient, index: number) {
  const at = Y.createRelativePositionFromTypeIndex(client.code, index);
  return { anchor: at, head: at };
}

/** Crafted positions that make Yjs throw while resolving them (a client that does not exist, no clock). */
const dangling = { type: null, tname: null, item: { client: 987654321 }, assoc: 0 };

describe("awareness over /collab is validated and bounded", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;
  let student: TestUser;
  let name: string;
  const open: DocClient[] = [];
  const client = (token: string) => {
    const c = openDoc(url, { name, token });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher", name: "Ms Teacher" });
    student = await buildUser(server, { role: "student", name: "Ada" });
    const session = await buildSession(server, teacher, { language: "python", starterCode: "print('hi')\n" });
    await joinSession(server, student, session.joinCode);
    name = studentDocumentName(session.id, student.id);
  });
  afterAll(async () => {
    for (const c of open) c.destroy();
    await server.close();
  });

  it("drops a crafted selection and strips unknown fields; a normal selection reaches the teacher", async () => {
    const mine = client(student.accessToken);
    const theirs = client(teacher.accessToken);
    await Promise.all([mine.synced, theirs.synced]);
    const seen = watch(theirs);
    const craftedId = mine.doc.clientID + 1;
    rawSocket(mine).send(
      awarenessMessage(name, [
        {
          clientId: craftedId,
          state: { user: { name: "Ada", color: "#ff0000" }, selection: { anchor: dangling, head: dangling } },
        },
      ]),
    );
    mine.provider.setAwarenessField("evil", "x".repeat(200));
    mine.provider.setAwarenessField("selection", selectionIn(mine, 3));
    await retryableAssertion(() =>
      expect(seen.get(mine.doc.clientID)?.at(-1)).toMatchObject({ selection: { anchor: { tname: "code" } } }),
    );
    const last = seen.get(mine.doc.clientID)?.at(-1) as Record<string, unknown>;
    expect(last.user).toMatchObject({ id: student.id, name: "Ada", role: "student" });
    expect(last).not.toHaveProperty("evil");
    expect(seen.get(craftedId)).toBeUndefined();
    expect(theirs.provider.awareness?.getStates().has(craftedId)).toBe(false);
    expect(await closedWithin(mine, 200)).toBe("still open");
  });

  it("closes a socket that floods fake client ids (4429); a fresh normal client still reaches the teacher", async () => {
    const theirs = client(teacher.accessToken);
    const abuser = client(student.accessToken);
    await Promise.all([abuser.synced, theirs.synced]);
    const seen = watch(theirs);
    const socket = rawSocket(abuser);
    for (let i = 0; i < 200; i++) {
      const state = { user: { name: "fake", color: "#000000" } };
      socket.send(awarenessMessage(name, [{ clientId: 2_000_000 + i, state }]));
    }
    expect(await closedWithin(abuser)).toBe(CLOSE_CODES.tooManyRequests);
    const fakeIds = [...seen.keys()].filter((id) => id >= 2_000_000);
    expect(fakeIds.length).toBeLessThanOrEqual(AWARENESS_LIMITS.maxClientIds);
    abuser.destroy();

    const normal = client(student.accessToken);
    await normal.synced;
    normal.provider.setAwarenessField("selection", selectionIn(normal, 5));
    await retryableAssertion(() =>
      expect(theirs.provider.awareness?.getStates().get(normal.doc.clientID)).toMatchObject({
        user: { id: student.id },
        selection: { head: { tname: "code" } },
      }),
    );
  });

  it("closes a socket that sends an oversized awareness update (4413), relaying none of it", async () => {
    const theirs = client(teacher.accessToken);
    const abuser = client(student.accessToken);
    await Promise.all([abuser.synced, theirs.synced]);
    const seen = watch(theirs);
    const states = Array.from({ length: 40 }, (_, i) => ({
      clientId: abuser.doc.clientID,
      clock: 1000 + i,
      state: { user: { name: "Ada", color: "#000000" }, padding: "x".repeat(500) },
    }));
    rawSocket(abuser).send(awarenessMessage(name, states));
    expect(await closedWithin(abuser)).toBe(CLOSE_CODES.tooLarge);
    expect(seen.get(abuser.doc.clientID)?.some((s) => (s as { user?: unknown }).user) ?? false).toBe(false);
  });

  it("a burst of ordinary cursor moves stays connected; updates beyond the rate close the socket (4429)", async () => {
    const theirs = client(teacher.accessToken);
    const normal = client(student.accessToken);
    await Promise.all([normal.synced, theirs.synced]);
    for (let i = 0; i < 60; i++) normal.provider.setAwarenessField("selection", selectionIn(normal, i % 10));
    normal.provider.setAwarenessField("selection", selectionIn(normal, 11));
    await retryableAssertion(() =>
      expect(theirs.provider.awareness?.getStates().get(normal.doc.clientID)).toMatchObject({
        selection: JSON.parse(JSON.stringify(selectionIn(normal, 11))),
      }),
    );
    expect(await closedWithin(normal, 200)).toBe("still open");

    const abuser = client(student.accessToken);
    await abuser.synced;
    const socket = rawSocket(abuser);
    for (let i = 0; i < 2000; i++) {
      const state = { user: { name: "Ada", color: "#000000" }, activity: "typing" };
      socket.send(awarenessMessage(name, [{ clientId: abuser.doc.clientID, clock: 1000 + i, state }]));
    }
    expect(await closedWithin(abuser)).toBe(CLOSE_CODES.tooManyRequests);
  });
});
