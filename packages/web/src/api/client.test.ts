import { describe, expect, it } from "vitest";
import { ApiClient, fillPath, queryString, type RefreshLocks, tokenExpiresAt } from "./client.ts";
import { ApiError } from "./errors.ts";

const user = { id: "2f1c7a52-5b0c-4d7e-9a43-0d6f0b3b8a11", email: "a@b.test", name: "Ada", role: "student" };

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** A fake server: `/api/auth/refresh` hands out t1, t2, …; `/api/auth/me` wants the newest token. */
function fakeServer(options: { refreshWorks?: boolean } = {}) {
  let issued = 0;
  const calls: string[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const path = String(input);
    const auth = new Headers(init?.headers).get("authorization");
    calls.push(`${init?.method} ${path} ${auth ?? "-"}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (path === "/api/auth/refresh") {
      if (options.refreshWorks === false)
        return json(401, { error: { code: "refresh_token_invalid", message: "x" } });
      issued++;
      return json(200, { accessToken: `t${issued}` });
    }
    if (path === "/api/auth/me") {
      return auth === `Bearer t${issued}` && issued > 0
        ? json(200, { user })
        : json(401, { error: { code: "token_invalid", message: "Your login is invalid or has expired." } });
    }
    if (path === "/api/auth/login") {
      return json(422, {
        error: {
          code: "validation_failed",
          message: "email: Enter a valid email address.",
          issues: [{ path: "email", message: "Enter a valid email address." }],
        },
      });
    }
    return json(404, { error: { code: "not_found", message: "Not found." } });
  };
  return { fetch, calls, refreshes: () => calls.filter((c) => c.includes("/refresh")).length };
}

describe("ApiClient", () => {
  it("refreshes once on a 401 and retries the call with the new token", async () => {
    const server = fakeServer();
    const client = new ApiClient({ fetch: server.fetch, locks: null });
    client.setAccessToken("stale");
    const reply = await client.call("me");
    expect(reply.user.name).toBe("Ada");
    expect(client.accessToken).toBe("t1");
    expect(server.calls).toEqual([
      "GET /api/auth/me Bearer stale",
      "POST /api/auth/refresh -",
      "GET /api/auth/me Bearer t1",
    ]);
  });

  it("shares one refresh among concurrent calls that all got a 401", async () => {
    const server = fakeServer();
    const client = new ApiClient({ fetch: server.fetch, locks: null });
    client.setAccessToken("stale");
    const replies = await Promise.all([client.call("me"), client.call("me"), client.call("me")]);
    expect(replies.map((r) => r.user.id)).toEqual([user.id, user.id, user.id]);
    expect(server.refreshes()).toBe(1);
  });

  it("runs the refresh inside the cross-tab lock", async () => {
    const server = fakeServer();
    const held: string[] = [];
    const locks: RefreshLocks = {
      async request(name, callback) {
        held.push(name);
        return callback();
      },
    };
    const client = new ApiClient({ fetch: server.fetch, locks });
    expect(await client.refresh()).toBe("t1");
    expect(held).toEqual(["observer-refresh"]);
  });

  it("drops the token and tells listeners when the refresh fails", async () => {
    const server = fakeServer({ refreshWorks: false });
    const client = new ApiClient({ fetch: server.fetch, locks: null });
    client.setAccessToken("stale");
    let expired = 0;
    client.onExpired(() => expired++);
    const error = await client.call("me").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(client.accessToken).toBeNull();
    expect(expired).toBe(1);
  });

  it("turns error replies into ApiError with code, message and field issues", async () => {
    const client = new ApiClient({ fetch: fakeServer().fetch, locks: null });
    const error = await client
      .call("login", { body: { email: "nope", password: "x" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect([apiError.status, apiError.code]).toEqual([422, "validation_failed"]);
    expect(apiError.issueFor("email")).toBe("Enter a valid email address.");
  });

  it("does not refresh on a 401 from login (wrong credentials, not an expired login)", async () => {
    const paths: string[] = [];
    const client = new ApiClient({
      fetch: async (input) => {
        paths.push(String(input));
        return json(401, {
          error: { code: "invalid_credentials", message: "The email or password is wrong." },
        });
      },
      locks: null,
    });
    const error = (await client
      .call("login", { body: { email: "a@b.test", password: "x" } })
      .catch((e) => e)) as ApiError;
    expect(error.code).toBe("invalid_credentials");
    expect(paths).toEqual(["/api/auth/login"]);
  });

  it("reports an unreachable server as status 0", async () => {
    const client = new ApiClient({
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
      locks: null,
    });
    const error = (await client.call("config").catch((e: unknown) => e)) as ApiError;
    expect([error.status, error.code]).toEqual([0, "network_error"]);
  });
});

describe("fillPath", () => {
  it("encodes path parameters and refuses missing ones", () => {
    expect(fillPath("/api/sessions/:id/end", { id: "a/b" })).toBe("/api/sessions/a%2Fb/end");
    expect(() => fillPath("/api/sessions/:id", {})).toThrow(/Missing path parameter/);
  });
});

describe("queryString", () => {
  it("encodes the defined values and leaves out the rest", () => {
    expect(queryString({ userId: "a b", limit: 20, before: undefined })).toBe("?userId=a+b&limit=20");
    expect(queryString({ limit: undefined })).toBe("");
    expect(queryString(undefined)).toBe("");
  });
});

/** An unsigned JWT-shaped token expiring `inSeconds` from now (the client only reads `exp`). */
function jwt(inSeconds: number): string {
  const part = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "HS256" })}.${part({ sub: "u", exp: Math.floor(Date.now() / 1000) + inSeconds })}.sig`;
}

describe("freshAccessToken", () => {
  it("keeps a token that is valid for longer than asked", async () => {
    const server = fakeServer();
    const client = new ApiClient({ fetch: server.fetch, locks: null });
    const token = jwt(600);
    client.setAccessToken(token);
    expect(await client.freshAccessToken(60)).toBe(token);
    expect(server.refreshes()).toBe(0);
  });

  it("refreshes a token that expires soon, is expired, unreadable or missing", async () => {
    for (const current of [jwt(30), jwt(-5), "not-a-jwt", null]) {
      const server = fakeServer();
      const client = new ApiClient({ fetch: server.fetch, locks: null });
      client.setAccessToken(current);
      expect(await client.freshAccessToken(60)).toBe("t1");
      expect(server.refreshes()).toBe(1);
    }
  });

  it("shares one refresh among many sockets asking at once", async () => {
    const server = fakeServer();
    const client = new ApiClient({ fetch: server.fetch, locks: null });
    const tokens = await Promise.all(Array.from({ length: 50 }, () => client.freshAccessToken()));
    expect(new Set(tokens)).toEqual(new Set(["t1"]));
    expect(server.refreshes()).toBe(1);
  });

  it("reports a lost login as null and tells the app", async () => {
    const server = fakeServer({ refreshWorks: false });
    const client = new ApiClient({ fetch: server.fetch, locks: null });
    let expired = 0;
    client.onExpired(() => expired++);
    expect(await client.freshAccessToken()).toBeNull();
    expect(expired).toBe(1);
  });

  it("reads exp from a JWT", () => {
    const exp = tokenExpiresAt(jwt(100));
    expect(exp).not.toBeNull();
    expect(Math.abs((exp ?? 0) - (Date.now() + 100_000))).toBeLessThan(2000);
    expect(tokenExpiresAt("a.b.c")).toBeNull();
  });
});
