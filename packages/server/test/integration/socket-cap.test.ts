import type { HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { CLOSE_CODES, studentDocumentName } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChannel } from "../channel-client.ts";
import { openDoc, sharedSocket } from "../collab-client.ts";
import { buildSession, buildUser, joinSession } from "../factories.ts";
import { startTestServer, type TestServer } from "../support.ts";

const closeCodeOf = (socket: HocuspocusProviderWebsocket) =>
  new Promise<number>((resolve) =>
    socket.on("close", ({ event }: { event: { code: number } }) => resolve(event.code)),
  );

describe("open WebSockets per user", () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer({ config: { maxSocketsPerUser: 3 } });
    url = await server.listen();
  });
  afterAll(() => server?.close());

  it("refuses a user's socket beyond the cap (all kinds together) with 4429, and takes one again once one closed", async () => {
    const teacher = await buildUser(server, { role: "teacher" });
    const session = await buildSession(server, teacher);
    const student = await buildUser(server);
    await joinSession(server, student, session.joinCode);
    const name = studentDocumentName(session.id, student.id);

    const channels = [
      await openChannel(url, session.id, student.accessToken),
      await openChannel(url, session.id, student.accessToken),
    ];
    for (const channel of channels) await channel.next((m) => m.type === "ready");
    const doc = openDoc(url, { name, token: student.accessToken });
    await doc.synced;

    // A fourth socket of the student, whatever its kind, is refused.
    const fourth = await openChannel(url, session.id, student.accessToken);
    expect(await fourth.closed).toBe(CLOSE_CODES.tooManyRequests);
    const extraSocket = sharedSocket(url);
    const extraClosed = closeCodeOf(extraSocket);
    const extraDoc = openDoc(url, { name, token: student.accessToken, socket: extraSocket });
    expect(await extraClosed).toBe(CLOSE_CODES.tooManyRequests);
    extraDoc.destroy();
    extraSocket.destroy();
    // Another user is not affected.
    const teachers = await openChannel(url, session.id, teacher.accessToken);
    await teachers.next((m) => m.type === "ready");

    // One closed: a new one is taken.
    channels[0]?.close();
    await channels[0]?.closed;
    const again = await openChannel(url, session.id, student.accessToken);
    await again.next((m) => m.type === "ready");

    again.close();
    channels[1]?.close();
    teachers.close();
    doc.destroy();
  });

  it("counts a dashboard's one socket once, however many students' documents it carries", async () => {
    const teacher = await buildUser(server, { role: "teacher" });
    const session = await buildSession(server, teacher);
    const socket = sharedSocket(url);
    const docs = [];
    for (let i = 0; i < 5; i++) {
      const student = await buildUser(server);
      await joinSession(server, student, session.joinCode);
      docs.push(
        openDoc(url, {
          name: studentDocumentName(session.id, student.id),
          token: teacher.accessToken,
          socket,
        }),
      );
    }
    await Promise.all(docs.map((d) => d.synced));
    expect(server.ctx.sockets.count(teacher.id)).toBe(1);
    const channel = await openChannel(url, session.id, teacher.accessToken);
    await channel.next((m) => m.type === "ready");
    expect(server.ctx.sockets.count(teacher.id)).toBe(2);
    channel.close();
    for (const d of docs) d.destroy();
    socket.destroy();
  });
});
