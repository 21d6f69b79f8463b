import { randomUUID } from "node:crypto";
import { type ChannelServerMessage, type Hand, LIMITS, type Session } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChannelClient, openChannel } from "../channel-client.ts";
import { buildSession, buildUser, expectApiError, joinSession, type TestUser } from "../factories.ts";
import { durableTestDatabase, startTestServer, type TestServer } from "../support.ts";

/** The help queue (contract: Help queue) through the API and the session channel. */

type HandUpdate = Extract<ChannelServerMessage, { type: "hand_update" }>;

const handUpdates = (channel: ChannelClient) =>
  channel.messages.filter((m): m is HandUpdate => m.type === "hand_update");

/** A small seeded generator (mulberry32), so a failing random sequence can be replayed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("help queue", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher", name: "Teach" });
  });
  afterAll(() => server?.close());

  /** A session of the teacher with `n` joined students. */
  async function classroom(n: number): Promise<{ session: Session; students: TestUser[] }> {
    const session = await buildSession(server, teacher);
    const students: TestUser[] = [];
    for (let i = 0; i < n; i++) {
      const student = await buildUser(server, { name: `Student ${String(i).padStart(2, "0")}` });
      expect((await joinSession(server, student, session.joinCode)).statusCode).toBe(200);
      students.push(student);
    }
    return { session, students };
  }

  const raise = (session: Session, who: TestUser, body: { message?: string; line?: number | null } = {}) =>
    server.call("POST", `/api/sessions/${session.id}/hands`, { token: who.accessToken, body });
  const act = (session: Session, who: TestUser | null, handId: string, action: "claim" | "resolve") =>
    server.call("POST", `/api/sessions/${session.id}/hands/${handId}/${action}`, {
      token: who?.accessToken,
    });
  const queue = async (session: Session, who: TestUser): Promise<Hand[]> => {
    const res = await server.call("GET", `/api/sessions/${session.id}/hands`, { token: who.accessToken });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().hands;
  };

  it("keeps the order and positions of a model while 20 students raise and lower at random, and pushes each change to the teacher and to each student whose hand changed", async () => {
    const { session, students } = await classroom(20);
    const teacherChannel = await openChannel(url, session.id, teacher.accessToken);
    const channels = await Promise.all(students.map((s) => openChannel(url, session.id, s.accessToken)));
    await Promise.all([teacherChannel, ...channels].map((c) => c.next((m) => m.type === "ready")));

    /** The model: each student's open hand, and the open hands in order of raising. */
    interface ModelHand {
      id: string;
      student: number;
      status: "waiting" | "helping";
      message: string;
      line: number | null;
    }
    let open: ModelHand[] = [];
    /** How many hand_update messages each student's channel must have received; the teacher's all. */
    const expectedCounts = students.map(() => 0);
    let expectedTotal = 0;
    const positionOf = (hand: ModelHand) => {
      const i = open.filter((h) => h.status === "waiting").indexOf(hand);
      return i < 0 ? null : i + 1;
    };
    const seed = Date.now() % 1_000_000;
    const random = seededRandom(seed);
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
    const context = (step: number, what: string) => `seed ${seed}, step ${step}: ${what}`;

    for (let step = 0; step < 120; step++) {
      const index = Math.floor(random() * students.length);
      const student = students[index] as TestUser;
      const mine = open.find((h) => h.student === index);
      /** The hands whose students hear of this step: the changed one, and those that moved up. */
      let notified: ModelHand[] = [];
      let what: string;
      let resolved: ModelHand | null = null;
      if (!mine) {
        const body = { message: `Help ${step}`, line: random() < 0.5 ? null : 1 + Math.floor(random() * 40) };
        what = `student ${index} raises`;
        const res = await raise(session, student, body);
        expect(res.statusCode, context(step, `${what}: ${res.body}`)).toBe(201);
        const hand: ModelHand = { id: res.json().hand.id, student: index, status: "waiting", ...body };
        open.push(hand);
        notified = [hand];
      } else {
        const choice = pick(["again", "lower", "claim", "resolve"] as const);
        const moved =
          mine.status === "waiting"
            ? open.filter((h) => h.status === "waiting").slice(positionOf(mine) ?? 0)
            : [];
        if (choice === "again") {
          what = `student ${index} raises again`;
          const res = await raise(session, student, { line: step });
          expect(res.statusCode, context(step, `${what}: ${res.body}`)).toBe(200);
          expect(res.json().hand.id).toBe(mine.id);
          mine.line = step;
          notified = [mine];
        } else if (choice === "claim" && mine.status === "waiting") {
          what = `the teacher claims student ${index}'s hand`;
          const res = await act(session, teacher, mine.id, "claim");
          expect(res.statusCode, context(step, `${what}: ${res.body}`)).toBe(200);
          mine.status = "helping";
          notified = [mine, ...moved];
        } else {
          const byStudent = choice === "lower";
          what = byStudent
            ? `student ${index} lowers their hand`
            : `the teacher resolves student ${index}'s hand`;
          const res = await act(session, byStudent ? student : teacher, mine.id, "resolve");
          expect(res.statusCode, context(step, `${what}: ${res.body}`)).toBe(200);
          expect(res.json().hand).toMatchObject({ id: mine.id, status: "resolved", position: null });
          open = open.filter((h) => h !== mine);
          resolved = mine;
          notified = [mine, ...moved];
        }
      }

      // The teacher's queue is the model: the open hands oldest first, with their places.
      const hands = await queue(session, teacher);
      expect(
        hands.map((h) => [h.userId, h.status, h.position, h.message, h.line]),
        context(step, what),
      ).toEqual(open.map((h) => [students[h.student]?.id, h.status, positionOf(h), h.message, h.line]));

      // Each student whose hand changed or moved heard it, with the new state; nobody else.
      expectedTotal += notified.length;
      for (const hand of notified) expectedCounts[hand.student] = (expectedCounts[hand.student] ?? 0) + 1;
      await teacherChannel.until(
        () => handUpdates(teacherChannel).length >= expectedTotal,
        5000,
        () =>
          context(step, `${what}: the teacher got ${handUpdates(teacherChannel).length} of ${expectedTotal}`),
      );
      for (const hand of notified) {
        const channel = channels[hand.student] as ChannelClient;
        const count = expectedCounts[hand.student] as number;
        await channel.until(
          () => handUpdates(channel).length >= count,
          5000,
          () =>
            context(step, `${what}: student ${hand.student} got ${handUpdates(channel).length} of ${count}`),
        );
        const last = handUpdates(channel).at(-1)?.hand;
        expect(last, context(step, `${what}: student ${hand.student}'s last update`)).toMatchObject(
          hand === resolved
            ? { id: hand.id, status: "resolved", position: null }
            : { id: hand.id, status: hand.status, position: positionOf(hand), line: hand.line },
        );
      }
    }

    expect(handUpdates(teacherChannel)).toHaveLength(expectedTotal);
    students.forEach((student, i) => {
      const updates = handUpdates(channels[i] as ChannelClient);
      // Only their own hands, each pushed exactly once per change.
      expect(updates.every((u) => u.hand.userId === student.id)).toBe(true);
      expect(updates).toHaveLength(expectedCounts[i] as number);
    });
    // A student's queue is their own open hand, with their place.
    for (const [i, student] of students.entries()) {
      const own = open.find((h) => h.student === i);
      const hands = await queue(session, student);
      expect(hands.map((h) => [h.id, h.position])).toEqual(own ? [[own.id, positionOf(own)]] : []);
    }
    for (const channel of [teacherChannel, ...channels]) channel.close();
  });

  it("raises idempotently: a second raise answers 200 with the open hand, updated; two raises at once make one hand", async () => {
    const { session, students } = await classroom(2);
    const [ada, bob] = students as [TestUser, TestUser];
    const first = await raise(session, ada, { message: "  Why does my loop never end?  ", line: 4 });
    expect(first.statusCode, first.body).toBe(201);
    const hand: Hand = first.json().hand;
    expect(hand).toMatchObject({
      sessionId: session.id,
      userId: ada.id,
      name: ada.name,
      message: "Why does my loop never end?",
      line: 4,
      status: "waiting",
      position: 1,
      helperName: null,
      claimedAt: null,
      resolvedAt: null,
    });

    // Only the fields given change; the hand keeps its id and its place.
    const again = await raise(session, ada, { line: 9 });
    expect(again.statusCode).toBe(200);
    expect(again.json().hand).toMatchObject({ id: hand.id, message: hand.message, line: 9, position: 1 });
    const renamed = await raise(session, ada, { message: "Now it ends too early" });
    expect(renamed.json().hand).toMatchObject({ id: hand.id, message: "Now it ends too early", line: 9 });
    const cleared = await raise(session, ada, { line: null });
    expect(cleared.json().hand).toMatchObject({ id: hand.id, line: null, createdAt: hand.createdAt });

    // Also while someone is helping: the same hand, still helping.
    expect((await act(session, teacher, hand.id, "claim")).statusCode).toBe(200);
    const whileHelped = await raise(session, ada, {});
    expect(whileHelped.statusCode).toBe(200);
    expect(whileHelped.json().hand).toMatchObject({
      id: hand.id,
      status: "helping",
      helperName: teacher.name,
    });

    // Two raises of one student at the same moment: one hand (201 and 200).
    const both = await Promise.all([
      raise(session, bob, { message: "one" }),
      raise(session, bob, { line: 2 }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    const ids = new Set(both.map((r) => r.json().hand.id));
    expect(ids.size).toBe(1);
    const rows = await server.ctx.db
      .selectFrom("hands")
      .select(["id", "status"])
      .where("session_id", "=", session.id)
      .where("user_id", "=", bob.id)
      .execute();
    expect(rows).toEqual([{ id: [...ids][0], status: "waiting" }]);

    // Once resolved, a new raise is a new hand at the end of the queue.
    expect((await act(session, ada, hand.id, "resolve")).statusCode).toBe(200);
    const next = await raise(session, ada, { message: "Another question" });
    expect(next.statusCode).toBe(201);
    expect(next.json().hand).toMatchObject({ status: "waiting", position: 2, line: null });
    expect(next.json().hand.id).not.toBe(hand.id);
  });

  it("accepts the limits: a message of 500 characters and the last line; whitespace alone is no message", async () => {
    const { session, students } = await classroom(2);
    const [ada, bob] = students as [TestUser, TestUser];
    const message = "é".repeat(LIMITS.handMessageChars);
    const full = await raise(session, ada, { message, line: LIMITS.handMaxLine });
    expect(full.statusCode, full.body.slice(0, 300)).toBe(201);
    expect(full.json().hand).toMatchObject({ message, line: LIMITS.handMaxLine });
    const blank = await raise(session, bob, { message: "   " });
    expect(blank.statusCode).toBe(201);
    expect(blank.json().hand).toMatchObject({ message: "", line: null });
  });

  it("lets only the teacher (and admins) claim, and the teacher or the hand's own student resolve", async () => {
    const { session, students } = await classroom(2);
    const [ada, bob] = students as [TestUser, TestUser];
    const otherTeacher = await buildUser(server, { role: "teacher" });
    const outsider = await buildUser(server);
    const admin = server.admin as TestUser;
    const handId: string = (await raise(session, ada, { message: "Help" })).json().hand.id;
    const row = () =>
      server.ctx.db
        .selectFrom("hands")
        .select(["status", "helper_id"])
        .where("id", "=", handId)
        .executeTakeFirstOrThrow();

    // A teacher does not raise a hand in their own session.
    expectApiError(await raise(session, teacher), 403, "forbidden");
    // Refused claims: the hand's own student, another student, another teacher, outsiders, anonymous.
    expectApiError(await act(session, ada, handId, "claim"), 403, "forbidden");
    expectApiError(await act(session, bob, handId, "claim"), 403, "forbidden");
    expectApiError(await act(session, otherTeacher, handId, "claim"), 404, "not_found");
    expectApiError(await act(session, outsider, handId, "claim"), 404, "not_found");
    expectApiError(await act(session, null, handId, "claim"), 401, "not_authenticated");
    // Refused resolves: another student (the hand is hidden from them), another teacher, anonymous.
    expectApiError(await act(session, bob, handId, "resolve"), 404, "not_found");
    expectApiError(await act(session, otherTeacher, handId, "resolve"), 404, "not_found");
    expectApiError(await act(session, outsider, handId, "resolve"), 404, "not_found");
    expectApiError(await act(session, null, handId, "resolve"), 401, "not_authenticated");
    expect(await row()).toEqual({ status: "waiting", helper_id: null });
    // Another student sees only their own hands, never this one.
    expect(await queue(session, bob)).toEqual([]);

    // The teacher claims; an admin may take over.
    const claimed = await act(session, teacher, handId, "claim");
    expect(claimed.json().hand).toMatchObject({
      status: "helping",
      helperName: teacher.name,
      position: null,
    });
    const claimedAt = claimed.json().hand.claimedAt;
    expect(claimedAt).not.toBeNull();
    const takenOver = await act(session, admin, handId, "claim");
    expect(takenOver.json().hand).toMatchObject({ status: "helping", helperName: admin.name, claimedAt });
    expect(await row()).toEqual({ status: "helping", helper_id: admin.id });

    // Its student lowers it; a resolved hand cannot be claimed; resolving again changes nothing.
    const lowered = await act(session, ada, handId, "resolve");
    expect(lowered.statusCode).toBe(200);
    const resolvedHand: Hand = lowered.json().hand;
    expect(resolvedHand).toMatchObject({ status: "resolved", position: null });
    expect(resolvedHand.resolvedAt).not.toBeNull();
    expectApiError(await act(session, teacher, handId, "claim"), 409, "hand_resolved");
    const again = await act(session, teacher, handId, "resolve");
    expect(again.statusCode).toBe(200);
    expect(again.json().hand).toEqual(resolvedHand);
    expect(await queue(session, teacher)).toEqual([]);
  });

  it("pushes positions to each student as the hands before them leave, and each student only their own", async () => {
    const { session, students } = await classroom(3);
    const [ada, bob, cy] = students as [TestUser, TestUser, TestUser];
    const [teacherChannel, adaChannel, bobChannel, cyChannel] = await Promise.all(
      [teacher, ada, bob, cy].map((u) => openChannel(url, session.id, u.accessToken)),
    );
    const all = [teacherChannel, adaChannel, bobChannel, cyChannel] as ChannelClient[];
    await Promise.all(all.map((c) => c.next((m) => m.type === "ready")));
    const ids: string[] = [];
    for (const [i, student] of [ada, bob, cy].entries()) {
      ids.push((await raise(session, student, { message: `Question ${i}`, line: i + 1 })).json().hand.id);
    }
    const lastOf = async (channel: ChannelClient, count: number) => {
      await channel.until(
        () => handUpdates(channel).length >= count,
        5000,
        () => `got ${JSON.stringify(handUpdates(channel))}`,
      );
      return handUpdates(channel).at(-1)?.hand;
    };
    expect(await lastOf(cyChannel as ChannelClient, 1)).toMatchObject({
      id: ids[2],
      userId: cy.id,
      name: cy.name,
      message: "Question 2",
      line: 3,
      status: "waiting",
      position: 3,
    });

    // The teacher claims Ada's hand: Bob is now 1st, Cy 2nd.
    expect((await act(session, teacher, ids[0] as string, "claim")).statusCode).toBe(200);
    expect(await lastOf(adaChannel as ChannelClient, 2)).toMatchObject({ status: "helping", position: null });
    expect(await lastOf(bobChannel as ChannelClient, 2)).toMatchObject({ id: ids[1], position: 1 });
    expect(await lastOf(cyChannel as ChannelClient, 2)).toMatchObject({ id: ids[2], position: 2 });

    // Resolving a hand that was not waiting moves nobody.
    expect((await act(session, teacher, ids[0] as string, "resolve")).statusCode).toBe(200);
    expect(await lastOf(adaChannel as ChannelClient, 3)).toMatchObject({ status: "resolved" });
    // Bob lowers his: Cy is 1st.
    expect((await act(session, bob, ids[1] as string, "resolve")).statusCode).toBe(200);
    expect(await lastOf(cyChannel as ChannelClient, 3)).toMatchObject({ id: ids[2], position: 1 });

    // The teacher heard every change: 3 raises, a claim and Bob and Cy moving, a resolve, a lower and Cy moving.
    await lastOf(teacherChannel as ChannelClient, 9);
    expect(
      handUpdates(teacherChannel as ChannelClient).map((u) => [
        u.hand.userId,
        u.hand.status,
        u.hand.position,
      ]),
    ).toEqual([
      [ada.id, "waiting", 1],
      [bob.id, "waiting", 2],
      [cy.id, "waiting", 3],
      [ada.id, "helping", null],
      [bob.id, "waiting", 1],
      [cy.id, "waiting", 2],
      [ada.id, "resolved", null],
      [bob.id, "resolved", null],
      [cy.id, "waiting", 1],
    ]);
    for (const [channel, student] of [
      [adaChannel, ada],
      [bobChannel, bob],
      [cyChannel, cy],
    ] as const) {
      expect(handUpdates(channel as ChannelClient).every((u) => u.hand.userId === student.id)).toBe(true);
    }
    for (const channel of all) channel.close();
  });

  it("keeps the open hands of an ended session and refuses any change to them (410)", async () => {
    const { session, students } = await classroom(2);
    const [ada, bob] = students as [TestUser, TestUser];
    const handId: string = (await raise(session, ada, { message: "Before the end" })).json().hand.id;
    expect(
      (await server.call("POST", `/api/sessions/${session.id}/end`, { token: teacher.accessToken }))
        .statusCode,
    ).toBe(200);
    expectApiError(await raise(session, bob), 410, "session_ended");
    expectApiError(await raise(session, ada, { message: "changed" }), 410, "session_ended");
    expectApiError(await act(session, teacher, handId, "claim"), 410, "session_ended");
    expectApiError(await act(session, teacher, handId, "resolve"), 410, "session_ended");
    expectApiError(await act(session, ada, handId, "resolve"), 410, "session_ended");
    expect((await queue(session, teacher)).map((h) => [h.id, h.message, h.status, h.position])).toEqual([
      [handId, "Before the end", "waiting", 1],
    ]);
    // Unknown hands of an ended session are still unknown to outsiders.
    const outsider = await buildUser(server);
    expectApiError(await act(session, outsider, randomUUID(), "resolve"), 404, "not_found");
  });
});

describe("help queue across a restart", () => {
  const database = durableTestDatabase();
  afterAll(() => database.drop());

  it("keeps the raised hands, their order, helpers and places", async () => {
    const first = await startTestServer({ database });
    const teacher = await buildUser(first, { role: "teacher", name: "Teach" });
    const session = await buildSession(first, teacher);
    const students = [await buildUser(first, { name: "Ada" }), await buildUser(first, { name: "Bob" })];
    const ids: string[] = [];
    for (const student of students) {
      await joinSession(first, student, session.joinCode);
      const res = await first.call("POST", `/api/sessions/${session.id}/hands`, {
        token: student.accessToken,
        body: { message: `From ${student.name}`, line: 2 },
      });
      ids.push(res.json().hand.id);
    }
    await first.call("POST", `/api/sessions/${session.id}/hands/${ids[0]}/claim`, {
      token: teacher.accessToken,
    });
    const list = () => first.call("GET", `/api/sessions/${session.id}/hands`, { token: teacher.accessToken });
    const before: Hand[] = (await list()).json().hands;
    await first.app.close();

    const second = await startTestServer({ database, seedAdmin: false });
    try {
      const res = await second.call("GET", `/api/sessions/${session.id}/hands`, {
        token: teacher.accessToken,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().hands).toEqual(before);
      expect(before.map((h) => [h.id, h.status, h.position, h.helperName])).toEqual([
        [ids[0], "helping", null, "Teach"],
        [ids[1], "waiting", 1, null],
      ]);
      // And the queue goes on: Bob's hand can be resolved after the restart.
      const resolved = await second.call("POST", `/api/sessions/${session.id}/hands/${ids[1]}/resolve`, {
        token: students[1]?.accessToken,
      });
      expect(resolved.json().hand).toMatchObject({ id: ids[1], status: "resolved" });
    } finally {
      await second.close();
    }
  });
});
