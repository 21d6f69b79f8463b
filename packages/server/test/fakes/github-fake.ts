import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { checkRequest } from "./openapi-check.ts";

/**
 * A fake GitHub on 127.0.0.1 (port 0) for tests and e2e runs, speaking GitHub's wire format:
 * the OAuth web flow on the web host (`webUrl`: GET /login/oauth/authorize answers straight
 * with a 302 back to the redirect_uri, as if the chosen user approved; POST
 * /login/oauth/access_token exchanges a code once) and the REST API under `apiUrl`
 * (`<webUrl>/api/v3`, like GitHub Enterprise Server): GET /user, POST /user/repos, GET a
 * repository, the git data API (refs, blobs, trees, commits), the contents API and
 * DELETE /applications/{client_id}/token.
 *
 * Every API request is first checked against GitHub's OpenAPI description (openapi-check.ts):
 * one that does not match answers 400 and is kept in `invalidRequests`. Repositories live in
 * memory with their commits (files per commit, parents), so a test reads back what was
 * committed. Access is GitHub's: a private repository of someone else that is not shared is
 * 404; one that can be seen but not pushed to is 403 on writes.
 */

export interface FakeUser {
  id: number;
  login: string;
  name: string | null;
  /** The public email; null when the user shows none (GitHub's /user then says null). */
  email: string | null;
}

export interface FakeCommit {
  sha: string;
  message: string;
  parents: string[];
  treeSha: string;
  /** The files of the commit: path -> content. */
  files: Map<string, string>;
  author: string;
}

export interface FakeRepo {
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  /** Logins (besides the owner) who may push, and who may only read. */
  writers: Set<string>;
  readers: Set<string>;
  commits: Map<string, FakeCommit>;
  refs: Map<string, string>;
  blobs: Map<string, string>;
  trees: Map<string, Map<string, string>>;
  /** The commit the default branch points to, or null for an empty repository. */
  head(): FakeCommit | null;
}

export interface FakeToken {
  token: string;
  login: string;
  scope: string;
  revoked: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operationId: string | null;
  status: number;
  body: unknown;
}

export interface GithubFake {
  /** The REST API's base URL (config.github.apiUrl). */
  apiUrl: string;
  /** The web host with the OAuth pages (config.github.webUrl). */
  webUrl: string;
  clientId: string;
  clientSecret: string;
  repos: Map<string, FakeRepo>;
  users: Map<string, FakeUser>;
  tokens: FakeToken[];
  requests: RecordedRequest[];
  invalidRequests: (RecordedRequest & { problems: string[] })[];
  addUser(user: { login: string; name?: string | null; email?: string | null }): FakeUser;
  /** Who approves the next authorizations (a `login` query parameter on the authorize URL wins). */
  approveAs(login: string | null): void;
  createRepo(
    fullName: string,
    options?: { private?: boolean; writers?: string[]; readers?: string[] },
  ): FakeRepo;
  /** The files of a repository's head commit: path -> content. */
  files(fullName: string): Record<string, string>;
  close(): Promise<void>;
}

export interface GithubFakeOptions {
  clientId?: string;
  clientSecret?: string;
  users?: { login: string; name?: string | null; email?: string | null }[];
  approver?: string;
  /** The OAuth app's registered callback URL: an authorization for another redirect_uri is refused, as GitHub does. */
  callbackUrl?: string;
}

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
/** A blob's sha as git computes it. */
const blobSha = (content: string) => sha1(`blob ${Buffer.byteLength(content)}\0${content}`);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startGithubFake(options: GithubFakeOptions = {}): Promise<GithubFake> {
  const clientId = options.clientId ?? `Iv1.${randomBytes(8).toString("hex")}`;
  const clientSecret = options.clientSecret ?? randomBytes(20).toString("hex");
  const users = new Map<string, FakeUser>();
  const repos = new Map<string, FakeRepo>();
  const tokens: FakeToken[] = [];
  const codes = new Map<string, { login: string; redirectUri: string; scope: string; used: boolean }>();
  const requests: RecordedRequest[] = [];
  const invalidRequests: GithubFake["invalidRequests"] = [];
  let approver: string | null = options.approver ?? null;
  let nextId = 1000;
  let base = "";

  const addUser: GithubFake["addUser"] = (user) => {
    const created: FakeUser = {
      id: nextId++,
      login: user.login,
      name: user.name === undefined ? user.login : user.name,
      email: user.email ?? null,
    };
    users.set(user.login.toLowerCase(), created);
    return created;
  };
  for (const user of options.users ?? []) addUser(user);

  const createRepo: GithubFake["createRepo"] = (fullName, repoOptions = {}) => {
    const [owner, name] = fullName.split("/") as [string, string];
    const repo: FakeRepo = {
      owner,
      name,
      fullName,
      private: repoOptions.private ?? false,
      defaultBranch: "main",
      writers: new Set(repoOptions.writers ?? []),
      readers: new Set(repoOptions.readers ?? []),
      commits: new Map(),
      refs: new Map(),
      blobs: new Map(),
      trees: new Map(),
      head() {
        const sha = this.refs.get(`heads/${this.defaultBranch}`);
        return sha ? (this.commits.get(sha) ?? null) : null;
      },
    };
    repos.set(fullName.toLowerCase(), repo);
    return repo;
  };

  const tokenUser = (req: IncomingMessage): FakeUser => {
    const match = /^(?:token|bearer) (\S+)$/i.exec(req.headers.authorization ?? "");
    const found = match ? tokens.find((t) => t.token === match[1] && !t.revoked) : undefined;
    const user = found ? users.get(found.login.toLowerCase()) : undefined;
    if (!user) throw new HttpError(401, "Bad credentials");
    return user;
  };
  const canRead = (repo: FakeRepo, login: string) =>
    !repo.private || canWrite(repo, login) || repo.readers.has(login);
  const canWrite = (repo: FakeRepo, login: string) => repo.owner === login || repo.writers.has(login);
  const repoFor = (params: Record<string, string>, user: FakeUser, write: boolean): FakeRepo => {
    const repo = repos.get(`${params.owner}/${params.repo}`.toLowerCase());
    if (!repo || !canRead(repo, user.login)) throw new HttpError(404, "Not Found");
    if (write && !canWrite(repo, user.login))
      throw new HttpError(403, "Resource not accessible by integration");
    return repo;
  };
  const notEmpty = (repo: FakeRepo) => {
    if (repo.commits.size === 0) throw new HttpError(409, "Git Repository is empty.");
  };
  const repoJson = (repo: FakeRepo, login: string) => ({
    id: nextId++,
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: { login: repo.owner, id: users.get(repo.owner.toLowerCase())?.id ?? 1, type: "User" },
    html_url: `${base}/${repo.fullName}`,
    default_branch: repo.defaultBranch,
    permissions: { admin: repo.owner === login, push: canWrite(repo, login), pull: canRead(repo, login) },
  });
  const commitJson = (repo: FakeRepo, commit: FakeCommit) => ({
    sha: commit.sha,
    html_url: `${base}/${repo.fullName}/commit/${commit.sha}`,
    message: commit.message,
    tree: { sha: commit.treeSha },
    parents: commit.parents.map((sha) => ({ sha, html_url: `${base}/${repo.fullName}/commit/${sha}` })),
  });
  const addCommit = (repo: FakeRepo, props: Omit<FakeCommit, "sha" | "files">): FakeCommit => {
    const files = repo.trees.get(props.treeSha);
    if (!files) throw new HttpError(422, "Tree SHA does not exist");
    for (const parent of props.parents)
      if (!repo.commits.has(parent))
        throw new HttpError(422, "Parent SHA does not exist or is not a commit object");
    const sha = sha1(JSON.stringify({ ...props, at: Date.now(), n: nextId++ }));
    const commit = { ...props, sha, files };
    repo.commits.set(sha, commit);
    return commit;
  };
  const addTree = (repo: FakeRepo, files: Map<string, string>) => {
    const sha = sha1(JSON.stringify([...files].sort(([a], [b]) => a.localeCompare(b))));
    repo.trees.set(sha, files);
    return sha;
  };
  const isAncestor = (repo: FakeRepo, ancestor: string, of: string): boolean => {
    const seen = new Set<string>();
    const stack = [of];
    while (stack.length > 0) {
      const sha = stack.pop() as string;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      stack.push(...(repo.commits.get(sha)?.parents ?? []));
    }
    return false;
  };

  type Body = Record<string, unknown>;
  type Handler = (p: Record<string, string>, body: Body, req: IncomingMessage) => [number, unknown];
  const api: Record<string, Handler> = {
    "users/get-authenticated": (_p, _b, req) => {
      const user = tokenUser(req);
      return [200, { ...user, type: "User", html_url: `${base}/${user.login}` }];
    },
    "repos/create-for-authenticated-user": (_p, body, req) => {
      const user = tokenUser(req);
      const fullName = `${user.login}/${body.name as string}`;
      if (repos.has(fullName.toLowerCase())) throw new HttpError(422, "Repository creation failed.");
      const repo = createRepo(fullName, { private: body.private === true });
      return [201, repoJson(repo, user.login)];
    },
    "repos/get": (p, _b, req) => {
      const user = tokenUser(req);
      return [200, repoJson(repoFor(p, user, false), user.login)];
    },
    "git/get-ref": (p, _b, req) => {
      const repo = repoFor(p, tokenUser(req), false);
      notEmpty(repo);
      const sha = repo.refs.get(p.ref as string);
      if (!sha) throw new HttpError(404, "Not Found");
      return [200, { ref: `refs/${p.ref}`, object: { sha, type: "commit" } }];
    },
    "git/get-commit": (p, _b, req) => {
      const repo = repoFor(p, tokenUser(req), false);
      const commit = repo.commits.get(p.commit_sha as string);
      if (!commit) throw new HttpError(404, "Not Found");
      return [200, commitJson(repo, commit)];
    },
    "git/create-blob": (p, body, req) => {
      const repo = repoFor(p, tokenUser(req), true);
      notEmpty(repo);
      const raw = body.content as string;
      const content = body.encoding === "base64" ? Buffer.from(raw, "base64").toString("utf8") : raw;
      const sha = blobSha(content);
      repo.blobs.set(sha, content);
      return [201, { sha, url: `${base}/api/v3/repos/${repo.fullName}/git/blobs/${sha}` }];
    },
    "git/create-tree": (p, body, req) => {
      const repo = repoFor(p, tokenUser(req), true);
      notEmpty(repo);
      const files = new Map(body.base_tree ? (repo.trees.get(body.base_tree as string) ?? []) : []);
      if (body.base_tree && !repo.trees.has(body.base_tree as string))
        throw new HttpError(422, "base_tree is not a valid tree");
      for (const entry of body.tree as { path: string; sha?: string | null; content?: string }[]) {
        if (entry.sha === null) files.delete(entry.path);
        else if (entry.content !== undefined) files.set(entry.path, entry.content);
        else {
          const content = repo.blobs.get(entry.sha as string);
          if (content === undefined) throw new HttpError(422, `tree.sha ${entry.sha} is not a valid blob`);
          files.set(entry.path, content);
        }
      }
      return [201, { sha: addTree(repo, files), truncated: false, tree: [] }];
    },
    "git/create-commit": (p, body, req) => {
      const user = tokenUser(req);
      const repo = repoFor(p, user, true);
      notEmpty(repo);
      const commit = addCommit(repo, {
        message: body.message as string,
        treeSha: body.tree as string,
        parents: (body.parents as string[] | undefined) ?? [],
        author: user.login,
      });
      return [201, commitJson(repo, commit)];
    },
    "git/update-ref": (p, body, req) => {
      const repo = repoFor(p, tokenUser(req), true);
      const current = repo.refs.get(p.ref as string);
      if (!current) throw new HttpError(422, "Reference does not exist");
      const sha = body.sha as string;
      if (!repo.commits.has(sha)) throw new HttpError(422, "Object does not exist");
      if (body.force !== true && !isAncestor(repo, current, sha))
        throw new HttpError(422, "Update is not a fast forward");
      repo.refs.set(p.ref as string, sha);
      return [200, { ref: `refs/${p.ref}`, object: { sha, type: "commit" } }];
    },
    "git/create-ref": (p, body, req) => {
      const repo = repoFor(p, tokenUser(req), true);
      const ref = (body.ref as string).replace(/^refs\//, "");
      if (repo.refs.has(ref)) throw new HttpError(422, "Reference already exists");
      repo.refs.set(ref, body.sha as string);
      return [201, { ref: `refs/${ref}`, object: { sha: body.sha, type: "commit" } }];
    },
    "repos/get-content": (p, _b, req) => {
      const repo = repoFor(p, tokenUser(req), false);
      const content = repo.head()?.files.get(p.path as string);
      if (content === undefined)
        throw new HttpError(404, repo.commits.size ? "Not Found" : "This repository is empty.");
      const name = (p.path as string).split("/").at(-1);
      const encoded = Buffer.from(content).toString("base64");
      return [
        200,
        {
          type: "file",
          name,
          path: p.path,
          sha: blobSha(content),
          size: content.length,
          encoding: "base64",
          content: encoded,
        },
      ];
    },
    "repos/create-or-update-file-contents": (p, body, req) => {
      const user = tokenUser(req);
      const repo = repoFor(p, user, true);
      const branch = (body.branch as string | undefined) ?? repo.defaultBranch;
      const parent = repo.refs.get(`heads/${branch}`);
      const files = new Map(parent ? repo.commits.get(parent)?.files : []);
      const path = p.path as string;
      const existing = files.get(path);
      if (existing !== undefined && body.sha === undefined)
        throw new HttpError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
      if (existing !== undefined && body.sha !== blobSha(existing))
        throw new HttpError(409, `${path} does not match ${body.sha as string}`);
      const content = Buffer.from(body.content as string, "base64").toString("utf8");
      files.set(path, content);
      const commit = addCommit(repo, {
        message: body.message as string,
        treeSha: addTree(repo, files),
        parents: parent ? [parent] : [],
        author: user.login,
      });
      repo.refs.set(`heads/${branch}`, commit.sha);
      return [
        existing === undefined ? 201 : 200,
        {
          content: { name: path.split("/").at(-1), path, sha: blobSha(content) },
          commit: commitJson(repo, commit),
        },
      ];
    },
    "apps/delete-token": (p, body, req) => {
      const basic = /^basic (\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
      const credentials = basic ? Buffer.from(basic, "base64").toString("utf8") : "";
      if (p.client_id !== clientId || credentials !== `${clientId}:${clientSecret}`)
        throw new HttpError(401, "Requires authentication");
      const token = tokens.find((t) => t.token === body.access_token && !t.revoked);
      if (!token) throw new HttpError(404, "Not Found");
      token.revoked = true;
      return [204, undefined];
    },
  };

  const oauth = {
    authorize(url: URL, res: ServerResponse): number {
      const redirectUri = url.searchParams.get("redirect_uri");
      const state = url.searchParams.get("state");
      if (url.searchParams.get("client_id") !== clientId || !redirectUri || !state)
        throw new HttpError(400, "client_id, redirect_uri and state are needed");
      if (options.callbackUrl && !redirectUri.startsWith(options.callbackUrl))
        throw new HttpError(
          400,
          "The redirect_uri MUST match the registered callback URL for this application.",
        );
      const login = url.searchParams.get("login") ?? approver;
      const user = login ? users.get(login.toLowerCase()) : undefined;
      if (!user) throw new HttpError(400, "nobody approves: call approveAs(login) or pass login=");
      const code = randomBytes(10).toString("hex");
      codes.set(code, {
        login: user.login,
        redirectUri,
        scope: url.searchParams.get("scope") ?? "",
        used: false,
      });
      const back = new URL(redirectUri);
      back.searchParams.set("code", code);
      back.searchParams.set("state", state);
      res.writeHead(302, { location: back.toString() }).end();
      return 302;
    },
    accessToken(body: Body, req: IncomingMessage, res: ServerResponse): number {
      if (!String(req.headers.accept ?? "").includes("application/json"))
        throw new HttpError(400, "ask for JSON: Accept: application/json");
      const reply = (json: unknown) => {
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(json));
        return 200;
      };
      if (body.client_id !== clientId || body.client_secret !== clientSecret)
        return reply({
          error: "incorrect_client_credentials",
          error_description: "The client_id and/or client_secret passed are incorrect.",
        });
      const grant = codes.get(String(body.code));
      if (!grant || grant.used)
        return reply({
          error: "bad_verification_code",
          error_description: "The code passed is incorrect or expired.",
        });
      if (body.redirect_uri !== undefined && body.redirect_uri !== grant.redirectUri)
        return reply({
          error: "redirect_uri_mismatch",
          error_description: "The redirect_uri MUST match the registered callback URL for this application.",
        });
      grant.used = true;
      const token: FakeToken = {
        token: `gho_${randomBytes(18).toString("hex")}`,
        login: grant.login,
        scope: grant.scope,
        revoked: false,
      };
      tokens.push(token);
      return reply({ access_token: token.token, token_type: "bearer", scope: token.scope });
    },
  };

  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (text === "") return undefined;
    if (String(req.headers["content-type"]).includes("application/x-www-form-urlencoded"))
      return Object.fromEntries(new URLSearchParams(text));
    return JSON.parse(text);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", base);
      const method = req.method ?? "GET";
      const record: RecordedRequest = {
        method,
        path: url.pathname + url.search,
        operationId: null,
        status: 0,
        body: undefined,
      };
      requests.push(record);
      const send = (status: number, json: unknown) => {
        record.status = status;
        if (json === undefined) return void res.writeHead(status).end();
        res
          .writeHead(status, { "content-type": "application/json; charset=utf-8" })
          .end(JSON.stringify(json));
      };
      try {
        record.body = await readBody(req).catch(() => {
          throw new HttpError(400, "Problems parsing JSON");
        });
        if (method === "GET" && url.pathname === "/login/oauth/authorize") {
          record.status = oauth.authorize(url, res);
          return;
        }
        if (method === "POST" && url.pathname === "/login/oauth/access_token") {
          record.status = oauth.accessToken((record.body ?? {}) as Body, req, res);
          return;
        }
        if (!url.pathname.startsWith("/api/v3/")) throw new HttpError(404, "Not Found");
        const path = url.pathname.slice("/api/v3".length);
        const { operation, problems } = checkRequest({
          method,
          path,
          query: url.searchParams,
          body: record.body,
        });
        record.operationId = operation?.operationId ?? null;
        if (problems.length > 0) {
          invalidRequests.push({ ...record, status: 400, problems });
          return send(400, { message: `Invalid request: ${problems.join("; ")}` });
        }
        const handler = operation ? api[operation.operationId] : undefined;
        if (!operation || !handler) throw new HttpError(404, "Not Found (not in the fake)");
        const [status, json] = handler(operation.params, (record.body ?? {}) as Body, req);
        send(status, json);
      } catch (err) {
        const status = err instanceof HttpError ? err.status : 500;
        if (status === 400 && !invalidRequests.some((r) => r === record))
          invalidRequests.push({ ...record, status, problems: [(err as Error).message] });
        send(status, { message: (err as Error).message, documentation_url: "https://docs.github.com/rest" });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${base}/api/v3`,
    webUrl: base,
    clientId,
    clientSecret,
    repos,
    users,
    tokens,
    requests,
    invalidRequests,
    addUser,
    approveAs: (login) => {
      approver = login;
    },
    createRepo,
    files: (fullName) => Object.fromEntries(repos.get(fullName.toLowerCase())?.head()?.files ?? []),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
