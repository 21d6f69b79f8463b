import { DOC_CODE, DOC_META, type Language, type Session, studentDocumentName } from "@observer/protocol";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { codeFileName, studentFolder } from "../../src/export/export-names.ts";
import { NO_PASSWORD_HASH } from "../../src/github/github-signin.ts";
import { createDocumentOnce, loadDocument } from "../../src/storage/documents.ts";
import { openDoc } from "../collab-client.ts";
import {
  buildSession,
  buildUser,
  expectApiError,
  joinSession,
  refreshCookieOf,
  type TestUser,
} from "../factories.ts";
import { type GithubFake, startGithubFake } from "../fakes/github-fake.ts";
import { browserCookies, githubConfigOf, githubFlow, localPath } from "../fakes/github-flow.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

/** The Observer account a GitHub sign-in logged in: its access token (through the refresh cookie) and who it is. */
async function loggedIn(server: TestServer, callback: { cookies: { name: string; value: string }[] }) {
  const refresh = await server.call("POST", "/api/auth/refresh", {
    cookies: { observer_refresh: refreshCookieOf(callback) },
  });
  expect(refresh.statusCode, refresh.body).toBe(200);
  const accessToken: string = refresh.json().accessToken;
  const me = await server.call("GET", "/api/auth/me", { token: accessToken });
  return { accessToken, user: me.json().user as { id: string; email: string; name: string; role: string } };
}

/** Stores a student's code as the collaboration server's persistence would. */
async function storeCode(
  server: TestServer,
  session: Session,
  userId: string,
  code: string,
  language?: Language,
) {
  const doc = new Y.Doc();
  if (language) doc.getMap(DOC_META).set("language", language);
  doc.getText(DOC_CODE).insert(0, code);
  await createDocumentOnce(server.ctx.db, {
    name: studentDocumentName(session.id, userId),
    sessionId: session.id,
    studentId: userId,
    state: Y.encodeStateAsUpdate(doc),
  });
}

const githubRow = (server: TestServer, userId: string) =>
  server.ctx.db.selectFrom("github_accounts").selectAll().where("user_id", "=", userId).executeTakeFirst();

describe("GitHub: sign in, link and unlink (OAuth web flow against a fake GitHub)", () => {
  let fake: GithubFake;
  let server: TestServer;
  beforeAll(async () => {
    fake = await startGithubFake();
    server = await startTestServer({ config: { github: githubConfigOf(fake) } });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it("GET /api/auth/github redirects to GitHub's authorize page with the client id, scope repo, a fresh state and our callback", async () => {
    const res = await server.call("GET", "/api/auth/github");
    expect(res.statusCode).toBe(302);
    const url = new URL(res.headers.location as string);
    expect(url.origin + url.pathname).toBe(`${fake.webUrl}/login/oauth/authorize`);
    expect(url.searchParams.get("client_id")).toBe(fake.clientId);
    expect(url.searchParams.get("scope")).toBe("repo");
    expect(url.searchParams.get("redirect_uri")).toBe("http://localhost:80/api/auth/github/callback");
    const state = url.searchParams.get("state") as string;
    expect(state.length).toBeGreaterThanOrEqual(32);
    const row = await server.ctx.db
      .selectFrom("oauth_states")
      .selectAll()
      .where("state", "=", state)
      .executeTakeFirst();
    expect(row).toMatchObject({ intent: "login", user_id: null, used_at: null });
    const again = new URL((await server.call("GET", "/api/auth/github")).headers.location as string);
    expect(again.searchParams.get("state")).not.toBe(state);
  });

  it("a wrong, a missing, a reused or an expired state is 400 oauth_state_invalid", async () => {
    fake.addUser({ login: "state-checker" });
    const { callbackPath, callback, cookies } = await githubFlow(server, fake, "state-checker");
    expect(callback.statusCode).toBe(302);
    // The same state (and code) a second time, from the same browser.
    expectApiError(await server.call("GET", callbackPath, { cookies }), 400, "oauth_state_invalid");
    const code = new URL(callbackPath, "http://x").searchParams.get("code");
    expectApiError(
      await server.call("GET", `/api/auth/github/callback?code=${code}&state=made-up`, {
        cookies: { observer_github_state: "made-up" },
      }),
      400,
      "oauth_state_invalid",
    );
    expectApiError(
      await server.call("GET", `/api/auth/github/callback?code=${code}`, { cookies }),
      400,
      "oauth_state_invalid",
    );

    // A state older than 10 minutes.
    const start = await server.call("GET", "/api/auth/github");
    const state = new URL(start.headers.location as string).searchParams.get("state") as string;
    await sql`update oauth_states set created_at = now() - interval '11 minutes' where state = ${state}`.execute(
      server.ctx.db,
    );
    const approve = new URL(start.headers.location as string);
    approve.searchParams.set("login", "state-checker");
    const back = (await fetch(approve, { redirect: "manual" })).headers.get("location") as string;
    expectApiError(
      await server.call("GET", localPath(back), { cookies: browserCookies(start) }),
      400,
      "oauth_state_invalid",
    );
  });

  it("a callback finished by another browser than the one that started the flow is refused, and the flow stays usable", async () => {
    fake.addUser({ login: "csrf-target" });
    // Someone starts a flow and sends its link to GitHub to another person, whose browser comes back without the state's cookie.
    const start = await server.call("GET", "/api/auth/github");
    expect(start.cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path])).toContainEqual([
      "observer_github_state",
      true,
      "Lax",
      "/api/auth/github",
    ]);
    const approve = new URL(start.headers.location as string);
    approve.searchParams.set("login", "csrf-target");
    const back = localPath((await fetch(approve, { redirect: "manual" })).headers.get("location") as string);
    expectApiError(await server.call("GET", back), 400, "oauth_state_invalid");
    expectApiError(
      await server.call("GET", back, { cookies: { observer_github_state: "another-flow" } }),
      400,
      "oauth_state_invalid",
    );
    // Nothing was signed in or linked; the browser that started it can still finish it.
    const done = await server.call("GET", back, { cookies: browserCookies(start) });
    expect(done.statusCode).toBe(302);
    expect(done.headers.location).toBe("/");
  });

  it("a first sign-in creates a student account that logs in (the refresh cookie works) and that no password opens", async () => {
    const gh = fake.addUser({ login: "ada-l", name: "Ada Lovelace", email: null });
    const before = await server.ctx.db.selectFrom("users").select("id").execute();
    const { callback } = await githubFlow(server, fake, "ada-l");
    expect(callback.statusCode).toBe(302);
    expect(callback.headers.location).toBe("/");
    const cookie = callback.cookies.find((c) => c.name === "observer_refresh");
    expect(cookie).toMatchObject({ path: "/api/auth", httpOnly: true, sameSite: "Strict" });
    const { user } = await loggedIn(server, callback);
    expect(user).toMatchObject({
      name: "Ada Lovelace",
      role: "student",
      email: `${gh.id}+ada-l@users.noreply.github.com`,
    });
    expect(await server.ctx.db.selectFrom("users").select("id").execute()).toHaveLength(before.length + 1);

    const row = await githubRow(server, user.id);
    const token = fake.tokens.at(-1)?.token as string;
    expect({ ...row, github_id: String(row?.github_id) }).toMatchObject({
      login: "ada-l",
      github_id: String(gh.id),
      scopes: "repo",
    });
    // The column holds the sealed token only, which opens to the token GitHub granted.
    expect(row?.token_encrypted).not.toContain(token);
    expect(row?.token_encrypted).toMatch(/^v1\./);
    expect(server.ctx.secrets.open(row?.token_encrypted as string, `github-token:${user.id}`)).toBe(token);

    for (const password of ["", NO_PASSWORD_HASH, "correct horse battery"]) {
      const login = await server.call("POST", "/api/auth/login", {
        body: { email: user.email, password: password || "x" },
      });
      expectApiError(login, 401, "invalid_credentials");
    }
  });

  it("a second sign-in with the same GitHub account logs in the same account, with a public email used when there is one", async () => {
    fake.addUser({ login: "grace-h", name: "Grace Hopper", email: "grace@navy.example" });
    const first = await loggedIn(server, (await githubFlow(server, fake, "grace-h")).callback);
    expect(first.user.email).toBe("grace@navy.example");
    const count = (await server.ctx.db.selectFrom("users").select("id").execute()).length;
    const second = await loggedIn(server, (await githubFlow(server, fake, "grace-h")).callback);
    expect(second.user.id).toBe(first.user.id);
    expect(await server.ctx.db.selectFrom("users").select("id").execute()).toHaveLength(count);
    // The new token replaced the old one, which is revoked at GitHub.
    const grace = fake.tokens.filter((t) => t.login === "grace-h");
    expect(grace.map((t) => t.revoked)).toEqual([true, false]);
    const row = await githubRow(server, first.user.id);
    expect(server.ctx.secrets.open(row?.token_encrypted as string, `github-token:${first.user.id}`)).toBe(
      grace[1]?.token,
    );
  });

  it("link from settings, then signing in with GitHub logs in the linked account; a GitHub account linked elsewhere is refused", async () => {
    const teacher = await buildUser(server, { role: "teacher", name: "Linked teacher" });
    fake.addUser({ login: "teach-er", name: "Someone else" });
    const status0 = await server.call("GET", "/api/settings/github", { token: teacher.accessToken });
    expect(status0.json()).toEqual({ enabled: true, linked: null });

    const { callback } = await githubFlow(server, fake, "teach-er", { linkToken: teacher.accessToken });
    expect(callback.statusCode).toBe(302);
    expect(callback.headers.location).toBe("/settings?github=linked");
    expect(callback.cookies.find((c) => c.name === "observer_refresh")).toBeUndefined();
    const status = await server.call("GET", "/api/settings/github", { token: teacher.accessToken });
    expect(status.json()).toMatchObject({ enabled: true, linked: { login: "teach-er", scopes: ["repo"] } });

    const signIn = await loggedIn(server, (await githubFlow(server, fake, "teach-er")).callback);
    expect(signIn.user).toMatchObject({ id: teacher.id, role: "teacher", name: "Linked teacher" });

    const other = await buildUser(server, { role: "student" });
    const taken = await githubFlow(server, fake, "teach-er", { linkToken: other.accessToken });
    expectApiError(taken.callback, 409, "github_account_taken");
    expect(await githubRow(server, other.id)).toBeUndefined();
    expect((await githubRow(server, teacher.id))?.login).toBe("teach-er");
  });

  it("unlink revokes the token at GitHub and deletes the link", async () => {
    const user = await buildUser(server, { role: "student" });
    fake.addUser({ login: "unlinker" });
    await githubFlow(server, fake, "unlinker", { linkToken: user.accessToken });
    const token = fake.tokens.at(-1)?.token as string;
    const asUser = () => fetch(`${fake.apiUrl}/user`, { headers: { authorization: `token ${token}` } });
    expect((await asUser()).status).toBe(200);

    const res = await server.call("DELETE", "/api/settings/github", { token: user.accessToken });
    expect(res.statusCode).toBe(204);
    expect(fake.tokens.find((t) => t.token === token)?.revoked).toBe(true);
    expect((await asUser()).status).toBe(401);
    expect(await githubRow(server, user.id)).toBeUndefined();
    const status = await server.call("GET", "/api/settings/github", { token: user.accessToken });
    expect(status.json()).toEqual({ enabled: true, linked: null });
    // Unlinking again has nothing to do.
    expect(
      (await server.call("DELETE", "/api/settings/github", { token: user.accessToken })).statusCode,
    ).toBe(204);
  });

  it("the fake GitHub received only requests its OpenAPI description allows", () => {
    const operations = new Set(fake.requests.map((r) => r.operationId));
    expect(operations).toEqual(new Set([null, "users/get-authenticated", "apps/delete-token"]));
    expect(fake.invalidRequests).toEqual([]);
  });
});

describe("GitHub: the teacher's archive and a student's save", () => {
  let fake: GithubFake;
  let server: TestServer;
  let url: string;
  let teacher: TestUser;
  let session: Session;
  const students: { user: TestUser; code: string; language: Language; opened: boolean }[] = [];
  const LANGUAGES: Language[] = ["python", "java", "c", "javascript", "cpp"];

  /** The files the archive must hold, besides README.md. */
  const expectedFiles = () =>
    Object.fromEntries(
      students.map((s) => {
        const code = s.opened ? s.code : (session.starterCode ?? "");
        const language = s.opened ? s.language : session.language;
        return [
          `${studentFolder({ user_id: s.user.id, name: s.user.name })}/${codeFileName(language, code)}`,
          code,
        ];
      }),
    );

  beforeAll(async () => {
    fake = await startGithubFake();
    server = await startTestServer({ config: { github: githubConfigOf(fake) } });
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher", name: "Ms Teacher" });
    fake.addUser({ login: "ms-teacher" });
    await githubFlow(server, fake, "ms-teacher", { linkToken: teacher.accessToken });
    session = await buildSession(server, teacher, {
      name: "Loops lab",
      language: "python",
      starterCode: "# start\n",
    });
    const names = ["Zoë O'Brien", "Sam Lee", "Sam Lee", "[link](http://x) *bold*"];
    for (let i = 0; i < 30; i++) {
      const user = await buildUser(server, { name: names[i] ?? `Student ${i}` });
      expect((await joinSession(server, user, session.joinCode)).statusCode).toBe(200);
      const language = LANGUAGES[i % LANGUAGES.length] as Language;
      const code =
        language === "java"
          ? `public class Loop${i} {\n  public static void main(String[] a) { System.out.println(${i}); }\n}\n`
          : `// student ${i}\nprint(${i} * 2) — “ünïcode”\n`;
      // Every seventh never opened their code: the starter code is theirs.
      const opened = i % 7 !== 6;
      if (opened) await storeCode(server, session, user.id, code, language);
      students.push({ user, code, language, opened });
    }
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it("archives 30 students in one commit: exactly a folder per student with their code, and a README listing them", async () => {
    fake.createRepo("ms-teacher/cs101-archive", { private: true });
    const res = await server.call("POST", `/api/sessions/${session.id}/archive`, {
      token: teacher.accessToken,
      body: { repo: "ms-teacher/cs101-archive" },
    });
    expect(res.statusCode, res.body).toBe(200);
    const repo = fake.repos.get("ms-teacher/cs101-archive");
    const head = repo?.head();
    expect(res.json()).toEqual({
      commitUrl: `${fake.webUrl}/ms-teacher/cs101-archive/commit/${head?.sha}`,
      repo: "ms-teacher/cs101-archive",
      files: 31,
    });
    const files = fake.files("ms-teacher/cs101-archive");
    const { "README.md": readme, ...codes } = files;
    expect(codes).toEqual(expectedFiles());
    expect(Object.keys(codes).filter((p) => p.endsWith(".java"))).toHaveLength(
      students.filter((s) => s.opened && s.language === "java").length,
    );
    expect(Object.keys(codes)).toContain(
      `${studentFolder({ user_id: students[1]?.user.id as string, name: "Sam Lee" })}/Loop1.java`,
    );
    expect(readme).toContain("# Loops lab");
    expect(readme).toContain("Students: 30");
    expect(readme).toContain("Teacher: Ms Teacher");
    for (const s of students.slice(4)) expect(readme).toContain(`| ${s.user.name} |`);
    // A name is text, never markup.
    expect(readme).toContain("\\[link\\]\\(http://x\\) \\*bold\\*");
    expect(head?.message).toMatch(
      /^Archive Observer session “Loops lab”: 30 students \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/,
    );
    // The empty repository got a first commit (the git data API needs one), the archive on top.
    expect(repo?.commits.size).toBe(2);
    expect(head?.parents).toHaveLength(1);
  });

  it("re-archiving adds one commit whose parent is the previous archive (never a force push)", async () => {
    const repo = fake.repos.get("ms-teacher/cs101-archive");
    const first = repo?.head();
    const changed = students[0] as (typeof students)[number];
    const name = studentDocumentName(session.id, changed.user.id);
    const client = openDoc(url, { name, token: changed.user.accessToken });
    await client.synced;
    client.code.insert(client.code.length, "print('more')\n");
    changed.code += "print('more')\n";
    await retryableAssertion(async () => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, (await loadDocument(server.ctx.db, name))?.state ?? new Uint8Array());
      expect(doc.getText(DOC_CODE).toString()).toBe(changed.code);
    }, 10_000);
    client.destroy();

    const res = await server.call("POST", `/api/sessions/${session.id}/archive`, {
      token: teacher.accessToken,
      body: { repo: "ms-teacher/cs101-archive" },
    });
    expect(res.statusCode, res.body).toBe(200);
    const second = repo?.head();
    expect(second?.sha).not.toBe(first?.sha);
    expect(second?.parents).toEqual([first?.sha]);
    expect(repo?.commits.size).toBe(3);
    const { "README.md": _, ...codes } = fake.files("ms-teacher/cs101-archive");
    expect(codes).toEqual(expectedFiles());
    // The class's code went in one tree request per archive (GitHub writes the blobs), one commit each.
    const count = (id: string) => fake.requests.filter((r) => r.operationId === id).length;
    expect([count("git/create-tree"), count("git/create-commit"), count("git/create-blob")]).toEqual([
      2, 2, 0,
    ]);
    const updates = fake.requests.filter((r) => r.operationId === "git/update-ref");
    expect(updates.map((r) => (r.body as { force?: boolean }).force)).toEqual([false, false]);
  });

  it("a repository the teacher cannot write to is 409 github_repo_not_writable, and nothing is committed", async () => {
    fake.addUser({ login: "someone" });
    fake.createRepo("someone/public-repo");
    fake.createRepo("someone/private-repo", { private: true });
    fake.createRepo("someone/shared-to-read", { private: true, readers: ["ms-teacher"] });
    for (const repo of [
      "someone/public-repo",
      "someone/private-repo",
      "someone/shared-to-read",
      "someone/missing",
    ]) {
      const res = await server.call("POST", `/api/sessions/${session.id}/archive`, {
        token: teacher.accessToken,
        body: { repo },
      });
      expectApiError(res, 409, "github_repo_not_writable");
      expect(fake.repos.get(repo)?.commits.size ?? 0).toBe(0);
    }
    // Shared with push access: the archive goes in.
    fake.createRepo("someone/shared-to-write", { private: true, writers: ["ms-teacher"] });
    const ok = await server.call("POST", `/api/sessions/${session.id}/archive`, {
      token: teacher.accessToken,
      body: { repo: "someone/shared-to-write" },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(fake.repos.get("someone/shared-to-write")?.head()?.author).toBe("ms-teacher");
  });

  it("archive needs the session's teacher with a linked GitHub", async () => {
    const body = { repo: "ms-teacher/cs101-archive" };
    const student = students[0]?.user as TestUser;
    expectApiError(
      await server.call("POST", `/api/sessions/${session.id}/archive`, { token: student.accessToken, body }),
      403,
      "forbidden",
    );
    const unlinked = await buildUser(server, { role: "teacher" });
    const own = await buildSession(server, unlinked, { name: "Unlinked" });
    expectApiError(
      await server.call("POST", `/api/sessions/${own.id}/archive`, { token: unlinked.accessToken, body }),
      409,
      "github_not_linked",
    );
    expectApiError(
      await server.call("POST", `/api/sessions/${session.id}/archive`, {
        token: teacher.accessToken,
        body: { repo: "no-slash" },
      }),
      422,
      "validation_failed",
    );
  });

  it("with archiveOnEnd and archiveRepo set, ending the session archives it in the background", async () => {
    const ending = await buildSession(server, teacher, { name: "Ends archived" });
    const member = await buildUser(server, { name: "Last student" });
    await joinSession(server, member, ending.joinCode);
    await storeCode(server, ending, member.id, "print('the end')\n");
    fake.createRepo("ms-teacher/on-end");
    const patch = await server.call("PATCH", `/api/sessions/${ending.id}`, {
      token: teacher.accessToken,
      body: { archiveOnEnd: true, archiveRepo: "ms-teacher/on-end" },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const end = await server.call("POST", `/api/sessions/${ending.id}/end`, { token: teacher.accessToken });
    expect(end.statusCode).toBe(200);
    await retryableAssertion(() => {
      expect(fake.files("ms-teacher/on-end")).toMatchObject({
        [`${studentFolder({ user_id: member.id, name: "Last student" })}/main.py`]: "print('the end')\n",
      });
    }, 15_000);
    expect(fake.repos.get("ms-teacher/on-end")?.head()?.message).toMatch(
      /^Archive Observer session “Ends archived”: 1 student /,
    );
  });

  it("a student's save creates their private repository once, then commits again on the next save", async () => {
    const gh = fake.addUser({ login: "stu-dent", name: "Stu Dent" });
    const { accessToken, user } = await loggedIn(
      server,
      (await githubFlow(server, fake, "stu-dent")).callback,
    );
    expect(
      (
        await server.call("POST", "/api/sessions/join", {
          token: accessToken,
          body: { joinCode: session.joinCode },
        })
      ).statusCode,
    ).toBe(200);
    const name = studentDocumentName(session.id, user.id);
    const client = openDoc(url, { name, token: accessToken });
    await client.synced;
    const typed = async (text: string) => {
      client.code.insert(client.code.length, text);
      const expected = client.code.toString();
      await retryableAssertion(async () => {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, (await loadDocument(server.ctx.db, name))?.state ?? new Uint8Array());
        expect(doc.getText(DOC_CODE).toString()).toBe(expected);
      }, 10_000);
      return expected;
    };
    const firstCode = await typed("for i in range(3):\n    print(i)\n");

    const first = await server.call("POST", `/api/sessions/${session.id}/github/save`, {
      token: accessToken,
      body: {},
    });
    expect(first.statusCode, first.body).toBe(200);
    const repo = fake.repos.get("stu-dent/observer-loops-lab");
    expect(repo?.private).toBe(true);
    expect(first.json()).toEqual({
      commitUrl: `${fake.webUrl}/stu-dent/observer-loops-lab/commit/${repo?.head()?.sha}`,
      repo: "stu-dent/observer-loops-lab",
      path: "main.py",
      created: true,
    });
    expect(fake.files("stu-dent/observer-loops-lab")).toEqual({ "main.py": firstCode });
    expect(repo?.head()?.message).toMatch(
      /^Save main\.py from Observer session “Loops lab” \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/,
    );

    const secondCode = await typed("print('done')\n");
    client.destroy();
    const second = await server.call("POST", `/api/sessions/${session.id}/github/save`, {
      token: accessToken,
      body: {},
    });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toMatchObject({ repo: "stu-dent/observer-loops-lab", created: false });
    expect(fake.files("stu-dent/observer-loops-lab")).toEqual({ "main.py": secondCode });
    expect(repo?.head()?.parents).toEqual([first.json().commitUrl.split("/").at(-1)]);
    expect([...fake.repos.values()].filter((r) => r.owner === "stu-dent")).toHaveLength(1);
    expect(fake.requests.filter((r) => r.operationId === "repos/create-for-authenticated-user")).toHaveLength(
      1,
    );
    const remembered = await server.ctx.db
      .selectFrom("github_repos")
      .selectAll()
      .where("user_id", "=", user.id)
      .execute();
    expect(remembered).toMatchObject([
      {
        session_id: session.id,
        repo: "stu-dent/observer-loops-lab",
        last_commit_url: second.json().commitUrl,
      },
    ]);
    expect(gh.login).toBe("stu-dent");
  });

  it("a save needs a member student with a linked GitHub", async () => {
    expectApiError(
      await server.call("POST", `/api/sessions/${session.id}/github/save`, {
        token: teacher.accessToken,
        body: {},
      }),
      403,
      "forbidden",
    );
    expectApiError(
      await server.call("POST", `/api/sessions/${session.id}/github/save`, {
        token: (students[2] as (typeof students)[number]).user.accessToken,
        body: {},
      }),
      409,
      "github_not_linked",
    );
    const outsider = await buildUser(server);
    expectApiError(
      await server.call("POST", `/api/sessions/${session.id}/github/save`, {
        token: outsider.accessToken,
        body: {},
      }),
      404,
      "not_found",
    );
  });

  it("the fake GitHub received only requests its OpenAPI description allows", () => {
    // Every operation the server uses was exercised, and checked.
    expect(new Set(fake.requests.map((r) => r.operationId))).toEqual(
      new Set([
        null,
        "users/get-authenticated",
        "repos/get",
        "repos/create-for-authenticated-user",
        "repos/get-content",
        "repos/create-or-update-file-contents",
        "git/get-ref",
        "git/get-commit",
        "git/create-tree",
        "git/create-commit",
        "git/update-ref",
      ]),
    );
    expect(fake.invalidRequests).toEqual([]);
  });
});

describe("GitHub off (no GITHUB_CLIENT_ID)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("every GitHub route is 404 github_disabled, the settings say enabled:false and /api/config github:false", async () => {
    const user = await buildUser(server, { role: "teacher" });
    const session = await buildSession(server, user);
    const token = user.accessToken;
    const calls = [
      server.call("GET", "/api/auth/github"),
      server.call("GET", "/api/auth/github/callback?code=x&state=y"),
      server.call("POST", "/api/auth/github/link", { token }),
      server.call("DELETE", "/api/settings/github", { token }),
      server.call("POST", `/api/sessions/${session.id}/github/save`, { token, body: {} }),
      server.call("POST", `/api/sessions/${session.id}/archive`, { token, body: { repo: "a/b" } }),
    ];
    for (const res of await Promise.all(calls)) expectApiError(res, 404, "github_disabled");
    const status = await server.call("GET", "/api/settings/github", { token });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toEqual({ enabled: false, linked: null });
    expect((await server.call("GET", "/api/config")).json()).toMatchObject({ github: false });
  });
});

describe("the fake GitHub checks what it receives against GitHub's OpenAPI description", () => {
  let fake: GithubFake;
  beforeAll(async () => {
    fake = await startGithubFake();
  });
  afterAll(() => fake?.close());

  it("answers 400 and records a request that no operation allows, or whose body breaks the operation's schema", async () => {
    const send = (method: string, path: string, body?: unknown) =>
      fetch(`${fake.apiUrl}${path}`, {
        method,
        headers: { authorization: "token nobody", "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    expect((await send("POST", "/user/repos", { private: "yes" })).status).toBe(400);
    const tree = { tree: [{ path: "a.py", mode: "644", type: "blob", sha: "abc" }] };
    expect((await send("POST", "/repos/o/r/git/trees", tree)).status).toBe(400);
    expect((await send("GET", "/repos/o/r/git/nothing-here")).status).toBe(400);
    expect((await send("DELETE", "/applications/abc/token", {})).status).toBe(400);
    // Valid but unauthorised: GitHub's own answer, not a wrong request.
    expect((await send("GET", "/user")).status).toBe(401);
    expect(fake.invalidRequests.map((r) => [r.method, r.path, r.problems])).toEqual([
      ["POST", "/api/v3/user/repos", ["body.name is required", "body.private is string, not boolean"]],
      [
        "POST",
        "/api/v3/repos/o/r/git/trees",
        ["body.tree[0].mode is not one of 100644, 100755, 040000, 160000, 120000"],
      ],
      ["GET", "/api/v3/repos/o/r/git/nothing-here", ["no operation GET /repos/o/r/git/nothing-here"]],
      ["DELETE", "/api/v3/applications/abc/token", ["body.access_token is required"]],
    ]);
  });
});

describe("GitHub: declined, deactivated, Java, and GitHub unreachable", () => {
  let fake: GithubFake;
  let server: TestServer;
  beforeAll(async () => {
    fake = await startGithubFake();
    server = await startTestServer({ config: { github: githubConfigOf(fake) } });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it("a user who declines at GitHub goes back to the login page, and the state is used up", async () => {
    const start = await server.call("GET", "/api/auth/github");
    const state = new URL(start.headers.location as string).searchParams.get("state") as string;
    const declined = `/api/auth/github/callback?error=access_denied&error_description=denied&state=${state}`;
    const res = await server.call("GET", declined, { cookies: browserCookies(start) });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe("/login?github=cancelled");
    // No login: only the state's cookie, cleared.
    expect(res.cookies.map((c) => [c.name, c.value])).toEqual([["observer_github_state", ""]]);
    expectApiError(
      await server.call("GET", declined, { cookies: browserCookies(start) }),
      400,
      "oauth_state_invalid",
    );
  });

  it("signing in with GitHub to a deactivated account is refused", async () => {
    fake.addUser({ login: "gone-away" });
    const first = await loggedIn(server, (await githubFlow(server, fake, "gone-away")).callback);
    const admin = server.admin as TestUser;
    const off = await server.call("PATCH", `/api/admin/users/${first.user.id}`, {
      token: admin.accessToken,
      body: { active: false },
    });
    expect(off.statusCode).toBe(200);
    const { callback } = await githubFlow(server, fake, "gone-away");
    expectApiError(callback, 403, "account_deactivated");
    expect(callback.cookies.find((c) => c.name === "observer_refresh")).toBeUndefined();
  });

  it("a Java student's save is named after the public class; a repository name of their choice is used", async () => {
    const teacher = await buildUser(server, { role: "teacher" });
    const session = await buildSession(server, teacher, { name: "Objects", language: "java" });
    fake.addUser({ login: "java-kid" });
    const { accessToken, user } = await loggedIn(
      server,
      (await githubFlow(server, fake, "java-kid")).callback,
    );
    await server.call("POST", "/api/sessions/join", {
      token: accessToken,
      body: { joinCode: session.joinCode },
    });
    const code = "public class Greeter {\n  public static void main(String[] a) {}\n}\n";
    await storeCode(server, session, user.id, code);
    const res = await server.call("POST", `/api/sessions/${session.id}/github/save`, {
      token: accessToken,
      body: { repo: "my-java" },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ repo: "java-kid/my-java", path: "Greeter.java", created: true });
    expect(fake.files("java-kid/my-java")).toEqual({ "Greeter.java": code });
    // The next save without a name goes to the same repository.
    const again = await server.call("POST", `/api/sessions/${session.id}/github/save`, {
      token: accessToken,
      body: {},
    });
    expect(again.json()).toMatchObject({ repo: "java-kid/my-java", created: false });
    expect(fake.repos.get("java-kid/my-java")?.commits.size).toBe(2);
  });

  it("GitHub unreachable: 502 github_error, and unlinking still deletes the link", async () => {
    const teacher = await buildUser(server, { role: "teacher" });
    fake.addUser({ login: "offline-t" });
    await githubFlow(server, fake, "offline-t", { linkToken: teacher.accessToken });
    const session = await buildSession(server, teacher, { name: "Offline" });
    expect(fake.invalidRequests).toEqual([]);
    await fake.close();
    const res = await server.call("POST", `/api/sessions/${session.id}/archive`, {
      token: teacher.accessToken,
      body: { repo: "offline-t/archive" },
    });
    expectApiError(res, 502, "github_error");
    expect(
      (await server.call("DELETE", "/api/settings/github", { token: teacher.accessToken })).statusCode,
    ).toBe(204);
    expect(await githubRow(server, teacher.id)).toBeUndefined();
  });
});

describe("GitHub behind a public address", () => {
  it("sends GitHub OBSERVER_PUBLIC_URL's callback, in the authorize URL and in the code exchange", async () => {
    const fake = await startGithubFake({
      users: [{ login: "public-url" }],
      callbackUrl: "https://observer.example.org/api/auth/github/callback",
    });
    const server = await startTestServer({
      config: { github: githubConfigOf(fake), publicUrl: "https://observer.example.org" },
    });
    try {
      const { authorizeUrl, callback } = await githubFlow(server, fake, "public-url");
      expect(authorizeUrl.searchParams.get("redirect_uri")).toBe(
        "https://observer.example.org/api/auth/github/callback",
      );
      // The fake refuses an exchange whose redirect_uri differs from the authorization's.
      expect(callback.statusCode, callback.body).toBe(302);
      const exchange = fake.requests.find((r) => r.path === "/login/oauth/access_token");
      expect(exchange?.body).toMatchObject({
        client_id: fake.clientId,
        redirect_uri: "https://observer.example.org/api/auth/github/callback",
      });
    } finally {
      await server.close();
      await fake.close();
    }
  });
});
