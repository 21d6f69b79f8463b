import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildUser, refreshCookieOf } from "../factories.ts";
import { startTestServer, type TestServer } from "../support.ts";

describe("accounts (contract: Accounts)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("registers: 201 with user and access token, and an HttpOnly SameSite=Strict refresh cookie on /api/auth", async () => {
    const res = await server.call("POST", "/api/auth/register", {
      body: { email: "Ada@Example.org", password: "long enough pw", name: "Ada", role: "student" },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toMatchObject({ email: "ada@example.org", name: "Ada", role: "student" });
    expect(body.user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.accessToken.split(".")).toHaveLength(3);
    expect(body).not.toHaveProperty("user.passwordHash");
    const cookie = res.cookies.find((c) => c.name === "observer_refresh");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/api/auth" });
  });

  it("refuses a second account with the same email, in any case (409)", async () => {
    await buildUser(server, { email: "dup@example.org" });
    const res = await server.call("POST", "/api/auth/register", {
      body: { email: "DUP@example.org", password: "long enough pw", name: "Dup", role: "student" },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("email_taken");
  });

  it("logs in with the right password (200) and refuses a wrong one (401)", async () => {
    const user = await buildUser(server);
    const ok = await server.call("POST", "/api/auth/login", {
      body: { email: user.email, password: user.password },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user).toMatchObject({ id: user.id, role: "student" });
    expect(refreshCookieOf(ok)).toBeTruthy();
    const bad = await server.call("POST", "/api/auth/login", {
      body: { email: user.email, password: "wrong one!" },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe("invalid_credentials");
    const unknown = await server.call("POST", "/api/auth/login", {
      body: { email: "nobody@example.org", password: "whatever1" },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe("invalid_credentials");
  });

  it("GET /api/auth/me returns the user for its access token", async () => {
    const user = await buildUser(server, { role: "teacher" });
    const res = await server.call("GET", "/api/auth/me", { token: user.accessToken });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user: { id: user.id, email: user.email, name: user.name, role: "teacher" },
    });
  });

  it("refresh rotates: new access token and cookie; the old refresh token then fails and revokes the whole login", async () => {
    const user = await buildUser(server);
    const first = await server.call("POST", "/api/auth/refresh", {
      cookies: { observer_refresh: user.refreshToken },
    });
    expect(first.statusCode).toBe(200);
    const second = refreshCookieOf(first);
    expect(second).not.toBe(user.refreshToken);
    const me = await server.call("GET", "/api/auth/me", { token: first.json().accessToken });
    expect(me.statusCode).toBe(200);

    const reuse = await server.call("POST", "/api/auth/refresh", {
      cookies: { observer_refresh: user.refreshToken },
    });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().error.code).toBe("refresh_token_reused");
    // The successor token belongs to the same (now revoked) family.
    const successor = await server.call("POST", "/api/auth/refresh", {
      cookies: { observer_refresh: second },
    });
    expect(successor.statusCode).toBe(401);
    // So do the access tokens of that login.
    const after = await server.call("GET", "/api/auth/me", { token: first.json().accessToken });
    expect(after.statusCode).toBe(401);
  });

  it("logout: 204, then that access token and that refresh token are refused", async () => {
    const user = await buildUser(server);
    const other = await server.call("POST", "/api/auth/login", {
      body: { email: user.email, password: user.password },
    });
    const res = await server.call("POST", "/api/auth/logout", {
      token: user.accessToken,
      cookies: { observer_refresh: user.refreshToken },
    });
    expect(res.statusCode).toBe(204);
    expect((await server.call("GET", "/api/auth/me", { token: user.accessToken })).statusCode).toBe(401);
    const refresh = await server.call("POST", "/api/auth/refresh", {
      cookies: { observer_refresh: user.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    // A separate login of the same user is unaffected.
    expect((await server.call("GET", "/api/auth/me", { token: other.json().accessToken })).statusCode).toBe(
      200,
    );
  });
});

describe("roles at sign-up", () => {
  it("makes the first account of a fresh install the admin, and later ones what they asked for", async () => {
    const server = await startTestServer({ seedAdmin: false });
    try {
      expect((await server.call("GET", "/api/config")).json()).toEqual({
        teacherSignup: "open",
        firstAccount: true,
      });
      const first = await buildUser(server, { role: "student" });
      expect(first.role).toBe("admin");
      const second = await buildUser(server, { role: "teacher" });
      expect(second.role).toBe("teacher");
      expect((await server.call("GET", "/api/config")).json().firstAccount).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("with OBSERVER_TEACHER_SIGNUP=closed refuses teacher sign-up (403) until an admin promotes", async () => {
    const server = await startTestServer({ config: { teacherSignup: "closed" } });
    try {
      const res = await server.call("POST", "/api/auth/register", {
        body: { email: "t@example.org", password: "long enough pw", name: "T", role: "teacher" },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe("teacher_signup_closed");
      const student = await buildUser(server, { role: "student" });
      const admin = server.admin;
      if (!admin) throw new Error("no admin");
      const promote = await server.call("PATCH", `/api/admin/users/${student.id}`, {
        token: admin.accessToken,
        body: { role: "teacher" },
      });
      expect(promote.statusCode).toBe(200);
      expect(promote.json().user.role).toBe("teacher");
      const create = await server.call("POST", "/api/sessions", {
        token: student.accessToken,
        body: { name: "Now teaching", language: "c" },
      });
      expect(create.statusCode).toBe(201);
    } finally {
      await server.close();
    }
  });

  it("nobody changes their own role, not even an admin", async () => {
    const server = await startTestServer();
    try {
      const admin = server.admin;
      if (!admin) throw new Error("no admin");
      const res = await server.call("PATCH", `/api/admin/users/${admin.id}`, {
        token: admin.accessToken,
        body: { role: "student" },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe("own_role_change");
      expect((await server.call("GET", "/api/auth/me", { token: admin.accessToken })).json().user.role).toBe(
        "admin",
      );
      // And there is no other route by which a user edits their own role: extra fields are refused.
      const student = await buildUser(server);
      const sneaky = await server.call("POST", "/api/auth/register", {
        body: { email: "x@example.org", password: "long enough pw", name: "X", role: "admin" },
      });
      expect(sneaky.statusCode).toBe(422);
      expect(
        (
          await server.call("PATCH", `/api/admin/users/${student.id}`, {
            token: student.accessToken,
            body: { role: "teacher" },
          })
        ).statusCode,
      ).toBe(403);
    } finally {
      await server.close();
    }
  });
});
