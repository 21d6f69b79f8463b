import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config.ts";
import { buildUser, expectApiError, refreshCookieOf } from "../factories.ts";
import { durableTestDatabase, startTestServer, type TestServer } from "../support.ts";

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

  it("sets a readable login hint (no secret) with the refresh cookie and clears it with it", async () => {
    const user = await buildUser(server);
    const login = await server.call("POST", "/api/auth/login", {
      body: { email: user.email, password: user.password },
    });
    const hint = login.cookies.find((c) => c.name === "observer_login");
    const refreshCookie = login.cookies.find((c) => c.name === "observer_refresh");
    expect(hint).toMatchObject({ value: "1", path: "/", sameSite: "Strict" });
    expect(hint?.httpOnly).toBeFalsy();
    expect(hint?.maxAge).toBe(refreshCookie?.maxAge);

    const refreshed = await server.call("POST", "/api/auth/refresh", {
      cookies: { observer_refresh: refreshCookieOf(login) },
    });
    expect(refreshed.cookies.find((c) => c.name === "observer_login")).toMatchObject({
      value: "1",
      path: "/",
    });

    // A hint left without its refresh cookie: still 401 (the contract), and the hint goes too.
    const orphan = await server.call("POST", "/api/auth/refresh", { cookies: { observer_login: "1" } });
    expect(orphan.statusCode).toBe(401);
    expect(orphan.cookies.find((c) => c.name === "observer_login")?.value).toBe("");

    const logout = await server.call("POST", "/api/auth/logout", {
      token: refreshed.json().accessToken,
      cookies: { observer_refresh: refreshCookieOf(refreshed) },
    });
    expect(logout.statusCode).toBe(204);
    expect(logout.cookies.find((c) => c.name === "observer_login")?.value).toBe("");
  });
});

describe("roles at sign-up", () => {
  it("makes the first account of a fresh install the admin, and later ones what they asked for", async () => {
    const server = await startTestServer({ seedAdmin: false });
    try {
      expect((await server.call("GET", "/api/config")).json()).toEqual({
        teacherSignup: "open",
        firstAccount: true,
        setupTokenRequired: false,
        github: false,
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

describe("the first account of a fresh install (setup token)", () => {
  /** A fresh install with its own data dir (where the setup token is written). */
  async function freshInstall(config: Partial<Config> = {}, database = durableTestDatabase()) {
    const dataDir = mkdtempSync(path.join(tmpdir(), "observer-setup-"));
    const server = await startTestServer({ seedAdmin: false, database, config: { dataDir, ...config } });
    const tokenFile = path.join(dataDir, "setup-token");
    return {
      server,
      tokenFile,
      dataDir,
      async close() {
        await server.close();
        await database.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const account = (email: string) => ({
    email,
    password: "long enough pw",
    name: "Operator",
    role: "teacher",
  });
  const fromAfar = (
    server: TestServer,
    url: string,
    body?: unknown,
    remoteAddress = "203.0.113.9",
    headers: Record<string, string> = {},
  ) =>
    server.app.inject({
      method: body === undefined ? "GET" : "POST",
      url,
      remoteAddress,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  const userCount = async (server: TestServer) =>
    Number(
      (
        await server.ctx.db
          .selectFrom("users")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("from another machine: 403 setup_token_required, then the admin with the token from the data dir", async () => {
    const install = await freshInstall();
    const { server } = install;
    try {
      expect((await fromAfar(server, "/api/config")).json()).toMatchObject({
        firstAccount: true,
        setupTokenRequired: true,
      });
      expectApiError(
        await fromAfar(server, "/api/auth/register", account("a@example.org")),
        403,
        "setup_token_required",
      );
      expectApiError(
        await fromAfar(server, "/api/auth/register", {
          ...account("a@example.org"),
          setupToken: "guessed-token",
        }),
        403,
        "setup_token_required",
      );
      expect(await userCount(server)).toBe(0);

      const token = readFileSync(install.tokenFile, "utf8").trim();
      expect(token.length).toBeGreaterThanOrEqual(24);
      const res = await fromAfar(server, "/api/auth/register", {
        ...account("a@example.org"),
        setupToken: token,
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().user.role).toBe("admin");
      // Spent: the file is gone and later accounts need no token (and get no admin role).
      expect(existsSync(install.tokenFile)).toBe(false);
      expect((await fromAfar(server, "/api/config")).json()).toMatchObject({
        firstAccount: false,
        setupTokenRequired: false,
      });
      const later = await fromAfar(server, "/api/auth/register", {
        ...account("b@example.org"),
        role: "student",
      });
      expect(later.statusCode, later.body).toBe(201);
      expect(later.json().user.role).toBe("student");
    } finally {
      await install.close();
    }
  });

  it("through a proxy the token is needed too, even when the proxy itself is on loopback or the header claims loopback", async () => {
    const install = await freshInstall({ trustProxy: 1 });
    const { server } = install;
    try {
      // nginx on the same host: the socket is loopback, X-Forwarded-For names the real client.
      for (const forwarded of ["203.0.113.9", "127.0.0.1", "127.0.0.1, 127.0.0.1"]) {
        const res = await fromAfar(server, "/api/auth/register", account("a@example.org"), "127.0.0.1", {
          "x-forwarded-for": forwarded,
        });
        expectApiError(res, 403, "setup_token_required");
      }
      expect(
        (
          await fromAfar(server, "/api/config", undefined, "127.0.0.1", { "x-forwarded-for": "127.0.0.1" })
        ).json(),
      ).toMatchObject({ setupTokenRequired: true });
      const token = readFileSync(install.tokenFile, "utf8").trim();
      const res = await fromAfar(
        server,
        "/api/auth/register",
        { ...account("a@example.org"), setupToken: token },
        "127.0.0.1",
        {
          "x-forwarded-for": "198.51.100.4",
        },
      );
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().user.role).toBe("admin");
    } finally {
      await install.close();
    }
  });

  it("the token stays the same across a restart until the first account exists", async () => {
    const database = durableTestDatabase();
    const install = await freshInstall({}, database);
    try {
      const token = readFileSync(install.tokenFile, "utf8").trim();
      await install.server.close();
      const again = await startTestServer({
        seedAdmin: false,
        database,
        config: { dataDir: install.dataDir },
      });
      try {
        expect(readFileSync(install.tokenFile, "utf8").trim()).toBe(token);
        const res = await fromAfar(again, "/api/auth/register", {
          ...account("a@example.org"),
          setupToken: token,
        });
        expect(res.statusCode, res.body).toBe(201);
      } finally {
        await again.close();
      }
    } finally {
      await database.drop();
      rmSync(install.dataDir, { recursive: true, force: true });
    }
  });
});
