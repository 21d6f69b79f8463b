import { randomUUID } from "node:crypto";
import { decodeJwt, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildUser, expectApiError, logIn, refreshCookieOf, type TestUser } from "../factories.ts";
import { startTestServer, type TestServer } from "../support.ts";

/**
 * Access tokens that must not work (contract: Conventions, Accounts): forged, tampered,
 * expired, of deleted or deactivated users, malformed; and refresh/logout revocation.
 */

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Signs claims as the server would (HS256), with the given secret and algorithm. */
async function sign(claims: JWTPayload, secret: string, alg = "HS256"): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(new TextEncoder().encode(secret));
}

describe("access tokens that must be refused", () => {
  let server: TestServer;
  let user: TestUser;
  /** The claims of a real token of `user`: sub, jti, fid, role, iss, aud, iat, exp. */
  let claims: JWTPayload;
  const me = (token: string) => server.call("GET", "/api/auth/me", { token });
  const meWithHeader = (authorization: string) =>
    server.call("GET", "/api/auth/me", { headers: { authorization } });

  beforeAll(async () => {
    server = await startTestServer();
    user = await buildUser(server, { role: "student" });
    claims = decodeJwt(user.accessToken);
    expect(claims).toMatchObject({ sub: user.id, iss: "observer", aud: "observer-api" });
    expect(claims.jti).toEqual(expect.any(String));
    expect(claims.fid).toEqual(expect.any(String));
  });
  afterAll(() => server.close());

  it("the forging harness is right: the same claims signed with the server's secret work (control)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ ...claims, iat: now, exp: now + 600 }, server.config.jwtSecret);
    const res = await me(token);
    expect(res.statusCode).toBe(200);
    expect(res.json().user.id).toBe(user.id);
  });

  it("alg none (unsigned, empty signature) -> 401 token_invalid", async () => {
    const token = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims)}.`;
    expectApiError(await me(token), 401, "token_invalid");
    // Also with the "signature" part left out entirely.
    expectApiError(await me(`${b64url({ alg: "none" })}.${b64url(claims)}`), 401, "token_invalid");
  });

  it("signed with another secret -> 401 token_invalid", async () => {
    const token = await sign(claims, "another-secret-that-is-also-long-enough-for-hs256");
    expectApiError(await me(token), 401, "token_invalid");
  });

  it("signed with the right secret but another algorithm (HS512) -> 401 token_invalid", async () => {
    const token = await sign(claims, server.config.jwtSecret, "HS512");
    expectApiError(await me(token), 401, "token_invalid");
  });

  it("payload edited (role admin, then sub of the admin) with the original signature -> 401 token_invalid", async () => {
    const [header, , signature] = user.accessToken.split(".");
    const asAdmin = `${header}.${b64url({ ...claims, role: "admin" })}.${signature}`;
    expectApiError(await me(asAdmin), 401, "token_invalid");
    expectApiError(await server.call("GET", "/api/admin/users", { token: asAdmin }), 401, "token_invalid");
    const otherSub = `${header}.${b64url({ ...claims, sub: server.admin?.id })}.${signature}`;
    expectApiError(await me(otherSub), 401, "token_invalid");
  });

  it("expired (exp in the past, everything else valid, right secret) -> 401 token_invalid", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ ...claims, iat: now - 3600, exp: now - 60 }, server.config.jwtSecret);
    expectApiError(await me(token), 401, "token_invalid");
  });

  it("right secret but the wrong issuer, audience, or without its login (fid) -> 401 token_invalid", async () => {
    const secret = server.config.jwtSecret;
    for (const forged of [
      { ...claims, iss: "someone-else" },
      { ...claims, aud: "another-api" },
      { ...claims, fid: undefined },
      { ...claims, fid: randomUUID() },
      { ...claims, jti: undefined },
    ]) {
      expectApiError(await me(await sign(forged, secret)), 401, "token_invalid");
    }
  });

  it("garbage bearer values -> 401 token_invalid", async () => {
    for (const value of ["garbage", "a.b.c", `${user.accessToken}x`, "ey.ey.ey"]) {
      expectApiError(await meWithHeader(`Bearer ${value}`), 401, "token_invalid");
    }
  });

  it('a token without the "Bearer " prefix, or with another scheme -> 401 not_authenticated', async () => {
    expectApiError(await meWithHeader(user.accessToken), 401, "not_authenticated");
    expectApiError(await meWithHeader(`Basic ${user.accessToken}`), 401, "not_authenticated");
    expectApiError(await meWithHeader("Bearer"), 401, "not_authenticated");
    // The real token with the prefix still works (so the refusals are about the header).
    expect((await meWithHeader(`Bearer ${user.accessToken}`)).statusCode).toBe(200);
  });

  it("a token of a deleted user -> 401 token_invalid; its login and refresh are refused too", async () => {
    const gone = await buildUser(server);
    expect((await me(gone.accessToken)).statusCode).toBe(200);
    await server.ctx.db.deleteFrom("users").where("id", "=", gone.id).execute();
    expectApiError(await me(gone.accessToken), 401, "token_invalid");
    const login = await server.call("POST", "/api/auth/login", {
      body: { email: gone.email, password: gone.password },
    });
    expectApiError(login, 401, "invalid_credentials");
    const refresh = await server.call("POST", "/api/auth/refresh", {
      cookies: { observer_refresh: gone.refreshToken },
    });
    expectApiError(refresh, 401, "refresh_token_invalid");
  });
});

describe("deactivated accounts", () => {
  let server: TestServer;
  let admin: TestUser;
  beforeAll(async () => {
    server = await startTestServer();
    if (!server.admin) throw new Error("no admin");
    admin = server.admin;
  });
  afterAll(() => server.close());

  const setActive = (target: TestUser, active: boolean) =>
    server.call("PATCH", `/api/admin/users/${target.id}`, { token: admin.accessToken, body: { active } });

  it("a deactivated user's login is refused: 403 account_deactivated, no refresh cookie", async () => {
    const user = await buildUser(server);
    const deactivated = await setActive(user, false);
    expect(deactivated.statusCode).toBe(200);
    expect(deactivated.json().user).toMatchObject({ id: user.id, active: false });
    const login = await server.call("POST", "/api/auth/login", {
      body: { email: user.email, password: user.password },
    });
    expectApiError(login, 403, "account_deactivated");
    expect(login.cookies.find((c) => c.name === "observer_refresh" && c.value)).toBeUndefined();
  });

  it("a deactivated user's open access token gets 403 account_deactivated (not a generic 401)", async () => {
    const user = await buildUser(server);
    expect((await server.call("GET", "/api/auth/me", { token: user.accessToken })).statusCode).toBe(200);
    expect((await setActive(user, false)).statusCode).toBe(200);
    expectApiError(
      await server.call("GET", "/api/auth/me", { token: user.accessToken }),
      403,
      "account_deactivated",
    );
  });

  it("a deactivated user cannot refresh: refused, no new access token, the cookie is cleared", async () => {
    const user = await buildUser(server);
    expect((await setActive(user, false)).statusCode).toBe(200);
    const refresh = await server.call("POST", "/api/auth/refresh", {
      cookies: { observer_refresh: user.refreshToken },
    });
    expect([401, 403]).toContain(refresh.statusCode);
    expect(["refresh_token_invalid", "account_deactivated"]).toContain(refresh.json().error.code);
    expect(refresh.json()).not.toHaveProperty("accessToken");
    expect(refresh.cookies.find((c) => c.name === "observer_refresh")?.value ?? "").toBe("");
  });

  it("reactivated, the user logs in again; the logins from before stay revoked", async () => {
    const user = await buildUser(server);
    expect((await setActive(user, false)).statusCode).toBe(200);
    expect((await setActive(user, true)).statusCode).toBe(200);
    const fresh = await logIn(server, user);
    expect((await server.call("GET", "/api/auth/me", { token: fresh.accessToken })).statusCode).toBe(200);
    expectApiError(
      await server.call("GET", "/api/auth/me", { token: user.accessToken }),
      401,
      "token_invalid",
    );
    const oldRefresh = await server.call("POST", "/api/auth/refresh", {
      cookies: { observer_refresh: user.refreshToken },
    });
    expect(oldRefresh.statusCode).toBe(401);
  });
});

describe("refresh and logout revocation", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const refresh = (token: string) =>
    server.call("POST", "/api/auth/refresh", { cookies: { observer_refresh: token } });

  it("two refreshes with the same token at once: at most one 200, and afterwards the whole login is revoked", async () => {
    const user = await buildUser(server);
    const replies = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    const ok = replies.filter((r) => r.statusCode === 200);
    expect(ok.length).toBeLessThanOrEqual(1);
    for (const r of replies.filter((r) => r.statusCode !== 200)) {
      expect(r.statusCode).toBe(401);
      expect(["refresh_token_reused", "refresh_token_invalid"]).toContain(r.json().error.code);
    }
    // One of the two was a reuse: the login (refresh family) is revoked, successors included.
    expectApiError(
      await server.call("GET", "/api/auth/me", { token: user.accessToken }),
      401,
      "token_invalid",
    );
    for (const r of ok) {
      expectApiError(await refresh(refreshCookieOf(r)), 401, "refresh_token_invalid");
      expectApiError(
        await server.call("GET", "/api/auth/me", { token: r.json().accessToken }),
        401,
        "token_invalid",
      );
    }
    expect((await refresh(user.refreshToken)).statusCode).toBe(401);
    // The user can still log in afresh.
    expect((await logIn(server, user)).accessToken).toBeTruthy();
  });

  it("logout: the access token and the refresh token are refused; a second logout with the dead access token -> 401", async () => {
    const user = await buildUser(server);
    const res = await server.call("POST", "/api/auth/logout", {
      token: user.accessToken,
      cookies: { observer_refresh: user.refreshToken },
    });
    expect(res.statusCode).toBe(204);
    expect(res.cookies.find((c) => c.name === "observer_refresh")?.value ?? "").toBe("");
    expectApiError(
      await server.call("GET", "/api/auth/me", { token: user.accessToken }),
      401,
      "token_invalid",
    );
    expect((await refresh(user.refreshToken)).statusCode).toBe(401);
    expect((await refresh(user.refreshToken)).json().error.code).toMatch(/^refresh_token_(invalid|reused)$/);
    const again = await server.call("POST", "/api/auth/logout", { token: user.accessToken });
    expectApiError(again, 401, "not_authenticated");
  });

  it("a logout replaying the dead access token and the dead refresh cookie is refused (401), as the contract says", async () => {
    const user = await buildUser(server);
    const first = await server.call("POST", "/api/auth/logout", {
      token: user.accessToken,
      cookies: { observer_refresh: user.refreshToken },
    });
    expect(first.statusCode).toBe(204);
    const replay = await server.call("POST", "/api/auth/logout", {
      token: user.accessToken,
      cookies: { observer_refresh: user.refreshToken },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toMatch(/^(not_authenticated|token_invalid|refresh_token_invalid)$/);
  });

  it("a logout with a made-up refresh cookie and no access token is anonymous (401)", async () => {
    const res = await server.call("POST", "/api/auth/logout", {
      cookies: { observer_refresh: "made-up-refresh-token" },
    });
    expect(res.statusCode).toBe(401);
  });
});

describe("cookie-only endpoints (refresh, logout) check Origin", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  /** A browser request to the server at observer.school.example, sent from `origin`. */
  const fromPage = (url: string, refreshToken: string, headers: Record<string, string>) =>
    server.call("POST", url, {
      cookies: { observer_refresh: refreshToken },
      headers: { host: "observer.school.example", ...headers },
    });

  it("refresh from another site (or a sibling host, or Origin null) -> 403 origin_not_allowed; the login stays usable", async () => {
    const user = await buildUser(server);
    for (const origin of ["https://evil.example", "https://pupils.school.example", "null", "not a url"]) {
      const res = await fromPage("/api/auth/refresh", user.refreshToken, { origin });
      expectApiError(res, 403, "origin_not_allowed");
      expect(res.cookies.find((c) => c.name === "observer_refresh")).toBeUndefined();
    }
    expectApiError(
      await fromPage("/api/auth/refresh", user.refreshToken, { "sec-fetch-site": "cross-site" }),
      403,
      "origin_not_allowed",
    );
    // The refused requests did not rotate (or revoke) the cookie: the page itself still refreshes.
    const same = await fromPage("/api/auth/refresh", user.refreshToken, {
      origin: "https://observer.school.example",
    });
    expect(same.statusCode, same.body).toBe(200);
    // A program (no Origin, no Sec-Fetch-Site) is not a browser carrying a victim's cookie.
    const script = await fromPage("/api/auth/refresh", refreshCookieOf(same), {});
    expect(script.statusCode, script.body).toBe(200);
  });

  it("logout from another site -> 403 origin_not_allowed and the login is not revoked; same origin (any port) logs out", async () => {
    const user = await buildUser(server);
    expectApiError(
      await fromPage("/api/auth/logout", user.refreshToken, { origin: "https://evil.example" }),
      403,
      "origin_not_allowed",
    );
    const refreshed = await fromPage("/api/auth/refresh", user.refreshToken, {});
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const out = await fromPage("/api/auth/logout", refreshCookieOf(refreshed), {
      origin: "https://observer.school.example:8443",
    });
    expect(out.statusCode, out.body).toBe(204);
    expect((await fromPage("/api/auth/refresh", refreshCookieOf(refreshed), {})).statusCode).toBe(401);
  });
});
