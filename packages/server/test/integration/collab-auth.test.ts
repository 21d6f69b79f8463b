import { randomUUID } from "node:crypto";
import { CLOSE_CODES, studentDocumentName } from "@observer/protocol";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DocClient, openDoc, sharedSocket } from "../collab-client.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../factories.ts";
import { startTestServer, type TestServer } from "../support.ts";

/** Who may open which document (contract: Live code), through real providers and WebSockets. */
describe("collab document authorisation", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;
  let otherTeacher: TestUser;
  let student: TestUser;
  let classmate: TestUser;
  let outsider: TestUser;
  let sessionId: string;
  let otherSessionId: string;

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher", name: "Ms Teacher" });
    otherTeacher = await buildUser(server, { role: "teacher" });
    student = await buildUser(server, { name: "Student" });
    classmate = await buildUser(server, { name: "Classmate" });
    outsider = await buildUser(server, { name: "Outsider" });
    const session = await buildSession(server, teacher);
    const other = await buildSession(server, otherTeacher);
    sessionId = session.id;
    otherSessionId = other.id;
    await joinSession(server, student, session.joinCode);
    await joinSession(server, classmate, session.joinCode);
    await joinSession(server, outsider, other.joinCode);
  });
  afterAll(() => server.close());

  /** Opens a document and reports "synced" or the refusal reason and the socket's close code. */
  async function attempt(
    name: string,
    token: string | null,
  ): Promise<{ outcome: string; closeCode?: number }> {
    const client: DocClient = openDoc(url, { name, token });
    try {
      const outcome = await Promise.race([
        client.synced.then(() => "synced"),
        client.refused.then((reason) => `refused:${reason}`),
      ]);
      if (outcome === "synced") return { outcome };
      const closeCode = await Promise.race([
        client.closed,
        new Promise<number>((r) => setTimeout(() => r(-1), 3000)),
      ]);
      return { outcome, closeCode };
    } finally {
      client.destroy();
    }
  }

  const own = () => studentDocumentName(sessionId, student.id);

  it("lets a student open their own document", async () => {
    expect((await attempt(own(), student.accessToken)).outcome).toBe("synced");
  });

  it("lets the session's teacher open every participant's document", async () => {
    expect((await attempt(own(), teacher.accessToken)).outcome).toBe("synced");
    expect((await attempt(studentDocumentName(sessionId, classmate.id), teacher.accessToken)).outcome).toBe(
      "synced",
    );
  });

  it("lets an admin open every participant's document of any session (an admin observes every class)", async () => {
    const admin = server.admin?.accessToken ?? "";
    expect((await attempt(own(), admin)).outcome).toBe("synced");
    expect((await attempt(studentDocumentName(sessionId, classmate.id), admin)).outcome).toBe("synced");
    expect((await attempt(studentDocumentName(otherSessionId, outsider.id), admin)).outcome).toBe("synced");
  });

  it.each([
    ["a classmate", () => classmate.accessToken],
    ["another session's teacher", () => otherTeacher.accessToken],
    ["another session's student", () => outsider.accessToken],
  ])("refuses %s with Forbidden and closes the socket with 4403", async (_who, token) => {
    const result = await attempt(own(), token());
    expect(result).toEqual({ outcome: "refused:Forbidden", closeCode: CLOSE_CODES.forbidden });
  });

  it("refuses anonymous and invalid tokens with Unauthorized and closes the socket with 4401", async () => {
    expect(await attempt(own(), null)).toEqual({
      outcome: "refused:Unauthorized",
      closeCode: CLOSE_CODES.unauthorized,
    });
    expect(await attempt(own(), "not-a-jwt")).toEqual({
      outcome: "refused:Unauthorized",
      closeCode: CLOSE_CODES.unauthorized,
    });
  });

  it("refuses an expired access token", async () => {
    const [, payload] = student.accessToken.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
    const expired = await new SignJWT({ fid: claims.fid, role: claims.role })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(student.id)
      .setJti(randomUUID())
      .setIssuer("observer")
      .setAudience("observer-api")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(server.config.jwtSecret));
    expect((await attempt(own(), expired)).outcome).toBe("refused:Unauthorized");
  });

  it.each([
    ["a path escape", () => `sessions/${sessionId}/students/../${student.id}`],
    ["a trailing segment", () => `${own()}/x`],
    ["upper-case ids", () => own().toUpperCase()],
    ["another shape", () => `users/${student.id}`],
    ["a non-participant's document", () => studentDocumentName(sessionId, outsider.id)],
    ["a document of another session", () => studentDocumentName(otherSessionId, student.id)],
    ["an unknown session", () => studentDocumentName(randomUUID(), student.id)],
  ])("refuses crafted names: %s", async (_what, name) => {
    expect((await attempt(name(), student.accessToken)).outcome).toBe("refused:Forbidden");
    expect((await attempt(name(), teacher.accessToken)).outcome).toBe("refused:Forbidden");
  });

  it("refuses a document on a shared socket without closing the socket's other documents", async () => {
    const socket = sharedSocket(url);
    const good = openDoc(url, { name: own(), token: teacher.accessToken, socket });
    await good.synced;
    const bad = openDoc(url, {
      name: studentDocumentName(sessionId, outsider.id),
      token: teacher.accessToken,
      socket,
    });
    try {
      expect(await bad.refused).toBe("Forbidden");
      const before = good.code.length;
      good.code.insert(0, "still here ");
      const check = openDoc(url, { name: own(), token: student.accessToken });
      await check.synced;
      await expect.poll(() => check.code.toString().startsWith("still here")).toBe(true);
      expect(good.code.length).toBe(before + "still here ".length);
      check.destroy();
    } finally {
      bad.destroy();
      good.destroy();
      socket.destroy();
    }
  });

  it("re-checks on reconnect: after logout the same token cannot open the document again", async () => {
    const user = await buildUser(server, { name: "Leaving" });
    const session = await buildSession(server, teacher);
    await joinSession(server, user, session.joinCode);
    const name = studentDocumentName(session.id, user.id);
    expect((await attempt(name, user.accessToken)).outcome).toBe("synced");
    await server.call("POST", "/api/auth/logout", { token: user.accessToken });
    expect((await attempt(name, user.accessToken)).outcome).toBe("refused:Unauthorized");
  });
});
