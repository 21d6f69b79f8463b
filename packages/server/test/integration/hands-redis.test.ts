import { describe, expect, it } from "vitest";
import { openChannel } from "../channel-client.ts";
import { buildSession, buildUser, joinSession } from "../factories.ts";
import { useTwoInstances } from "../two-instances.ts";

/**
 * Runs only in the integration-redis project (TEST_REDIS_URL and TEST_DATABASE_URL set): the
 * help queue across two instances sharing PostgreSQL and Redis.
 */
describe("help queue on two instances sharing PostgreSQL and Redis", () => {
  const servers = useTwoInstances();

  it("brings a hand raised on instance A to the teacher on B, and B's claim and the places that move back to the students on A", async () => {
    const { a, b } = servers;
    const [urlA, urlB] = [await a.listen(), await b.listen()];
    const teacher = await buildUser(a, { role: "teacher" });
    const session = await buildSession(a, teacher);
    const [ada, bob] = [await buildUser(a, { name: "Ada" }), await buildUser(a, { name: "Bob" })];
    for (const student of [ada, bob]) await joinSession(a, student, session.joinCode);
    const teacherOnB = await openChannel(urlB, session.id, teacher.accessToken);
    const bobOnA = await openChannel(urlA, session.id, bob.accessToken);
    try {
      await Promise.all([teacherOnB, bobOnA].map((c) => c.next((m) => m.type === "ready")));
      const raised = await a.call("POST", `/api/sessions/${session.id}/hands`, {
        token: ada.accessToken,
        body: { message: "Raised on A", line: 5 },
      });
      expect(raised.statusCode, raised.body).toBe(201);
      const handId: string = raised.json().hand.id;
      const onB = await teacherOnB.next((m) => m.type === "hand_update" && m.hand.id === handId);
      expect(onB).toMatchObject({
        type: "hand_update",
        hand: {
          userId: ada.id,
          name: "Ada",
          message: "Raised on A",
          line: 5,
          status: "waiting",
          position: 1,
        },
      });

      await a.call("POST", `/api/sessions/${session.id}/hands`, { token: bob.accessToken, body: {} });
      await bobOnA.next((m) => m.type === "hand_update" && m.hand.position === 2);
      // The teacher claims Ada's hand on B: Bob, on A, moves up to 1st.
      const claimed = await b.call("POST", `/api/sessions/${session.id}/hands/${handId}/claim`, {
        token: teacher.accessToken,
      });
      expect(claimed.json().hand).toMatchObject({ status: "helping" });
      const moved = await bobOnA.next((m) => m.type === "hand_update" && m.hand.position === 1);
      expect(moved).toMatchObject({ hand: { userId: bob.id, status: "waiting" } });
      await teacherOnB.next(
        (m) => m.type === "hand_update" && m.hand.id === handId && m.hand.status === "helping",
      );
      // Bob never hears of Ada's hand.
      expect(bobOnA.messages.filter((m) => m.type === "hand_update" && m.hand.userId !== bob.id)).toEqual([]);
    } finally {
      teacherOnB.close();
      bobOnA.close();
    }
  });
});
