import { HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { studentDocumentName } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import * as Y from "yjs";
import { openChannel } from "../channel-client.ts";
import { collabUrl, openDoc } from "../collab-client.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

/**
 * A WebSocket class whose sockets can be told to go silent (as over a dropped network: no
 * pongs, no messages) or to hold back what they send (messages in flight), for the
 * Hocuspocus provider. They answer the session channel's `ping` as the web app does.
 */
function controllableSockets() {
  const control = { muted: false, holding: false, held: [] as { ws: WebSocket; data: unknown }[] };
  class ControlledWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { autoPong: false });
      this.on("ping", (data) => {
        if (!control.muted) this.pong(data);
      });
      this.on("message", (data, isBinary) => {
        if (!isBinary && data.toString() === '{"type":"ping"}') this.send('{"type":"pong"}');
      });
    }
    override send(data: unknown, ...rest: unknown[]): void {
      if (control.muted) return;
      // Holding back updates, not the answers to the heartbeat's probes.
      const isPong = data instanceof Uint8Array && data.byteLength === 1 && data[0] === 10;
      if (control.holding && !isPong) control.held.push({ ws: this, data });
      // biome-ignore lint/suspicious/noExplicitAny: ws' overloaded send.
      else (super.send as any)(data, ...rest);
    }
  }
  return {
    control,
    Impl: ControlledWebSocket as unknown as typeof WebSocket,
    /** Sends what was held back, in order. */
    release() {
      control.holding = false;
      for (const { ws, data } of control.held.splice(0))
        if (ws.readyState === ws.OPEN) ws.send(data as Buffer);
    },
  };
}

function socketWith(httpUrl: string, Impl: typeof WebSocket) {
  return new HocuspocusProviderWebsocket({
    url: collabUrl(httpUrl),
    WebSocketPolyfill: Impl,
    delay: 50,
    minDelay: 50,
    maxDelay: 500,
    factor: 1.5,
  });
}

describe("live connections under a dropped network and a session's end", () => {
  const HEARTBEAT_MS = 300;
  const GRACE_MS = 1000;
  let server: TestServer;
  let url: string;
  let teacher: TestUser;

  beforeAll(async () => {
    server = await startTestServer({
      config: { live: { heartbeatMs: HEARTBEAT_MS, sessionEndGraceMs: GRACE_MS } },
    });
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher", name: "Teach" });
  });
  afterAll(() => server.close());

  async function studentIn(name: string) {
    const session = await buildSession(server, teacher, { starterCode: "start\n" });
    const student = await buildUser(server, { name });
    await joinSession(server, student, session.joinCode);
    return { session, student, docName: studentDocumentName(session.id, student.id) };
  }

  it("keeps the keystrokes in flight when the session ends, then turns the document read-only", async () => {
    const { session, student, docName } = await studentIn("Typist");
    const sockets = controllableSockets();
    const socket = socketWith(url, sockets.Impl);
    const mine = openDoc(url, { name: docName, token: student.accessToken, socket });
    await mine.synced;
    // As the web app does (live/reopen.ts): a document the server closed is opened again.
    mine.provider.on("close", () =>
      setTimeout(() => {
        mine.provider.detach();
        mine.provider.attach();
      }, 50),
    );

    // The last character is typed and on its way when the teacher presses End.
    sockets.control.holding = true;
    mine.code.insert(mine.code.length, "x");
    const ended = await server.call("POST", `/api/sessions/${session.id}/end`, {
      token: teacher.accessToken,
    });
    expect(ended.statusCode).toBe(200);
    sockets.release();

    await retryableAssertion(() => expect(mine.provider.authorizedScope).toBe("readonly"), 5000);
    await retryableAssertion(() => expect(mine.provider.unsyncedChanges).toBe(0));
    const reader = openDoc(url, { name: docName, token: teacher.accessToken });
    await reader.synced;
    expect(reader.code.toString()).toBe("start\nx");
    reader.destroy();

    // Read-only now: a later edit is refused (and stays counted as not synced).
    mine.code.insert(0, "late ");
    await retryableAssertion(() => expect(mine.provider.unsyncedChanges).toBeGreaterThan(0));
    mine.destroy();
    socket.destroy();
    // Everything typed before the end is in the database; nothing after it.
    await retryableAssertion(async () => {
      const row = await server.ctx.db
        .selectFrom("documents")
        .select("state")
        .where("name", "=", docName)
        .executeTakeFirstOrThrow();
      const doc = new Y.Doc();
      Y.applyUpdate(doc, new Uint8Array(row.state));
      expect(doc.getText("code").toString()).toBe("start\nx");
    });
  });

  it("shows a student whose sockets stop answering pings as offline to the teacher", async () => {
    const { session, student, docName } = await studentIn("Wanderer");
    const teacherChannel = await openChannel(url, session.id, teacher.accessToken);
    await teacherChannel.next((m) => m.type === "ready");

    const sockets = controllableSockets();
    const socket = socketWith(url, sockets.Impl);
    const mine = openDoc(url, { name: docName, token: student.accessToken, socket });
    await mine.synced;
    const channelSocket = new sockets.Impl(
      `${url.replace(/^http/, "ws")}/api/sessions/${session.id}/channel`,
    );
    await new Promise((r) => channelSocket.once("open", r));
    channelSocket.send(JSON.stringify({ type: "auth", token: student.accessToken }));
    await teacherChannel.next((m) => m.type === "presence" && m.userId === student.id && m.online);

    // Answering pings keeps a quiet student online for many heartbeats.
    await new Promise((r) => setTimeout(r, 5 * HEARTBEAT_MS));
    expect(teacherChannel.messages.some((m) => m.type === "presence" && !m.online)).toBe(false);

    // The network drops: nothing answers any more.
    sockets.control.muted = true;
    await teacherChannel.next(
      (m) => m.type === "presence" && m.userId === student.id && !m.online,
      // Two heartbeats to notice, and some slack for a busy machine.
      2 * HEARTBEAT_MS + 3000,
    );

    mine.destroy();
    socket.destroy();
    channelSocket.close();
    teacherChannel.close();
  });
});
