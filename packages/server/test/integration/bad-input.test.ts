import { randomBytes, randomUUID } from "node:crypto";
import { ENDPOINTS, type ErrorCode, LIMITS, type Session } from "@observer/protocol";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSession, buildUser, expectApiError, joinSession, type TestUser } from "../factories.ts";
import { startTestServer, type TestServer } from "../support.ts";

/**
 * Bad input on every endpoint that takes a body (contract: Conventions): each gets the error
 * shape with the right status and code, and nothing is stored.
 */

type Body = Record<string, unknown>;

interface World {
  server: TestServer;
  admin: TestUser;
  teacher: TestUser;
  student: TestUser;
  /** An active session the student has not joined. */
  session: Session;
  /** A student whose role/active an admin would change. */
  target: TestUser;
  /** A session of the teacher that `member` has joined (for the help queue). */
  classroom: Session;
  member: TestUser;
}

interface Target {
  method: "POST" | "PATCH";
  url: (w: World) => string;
  token: (w: World) => string | undefined;
  /** A body that would succeed; the cases below break it. */
  valid: (w: World) => Body;
  /** What a successful call would change; must be equal before and after a refused one. */
  snapshot: (w: World) => Promise<unknown>;
}

interface FieldCase {
  label: string;
  body: (valid: Body) => unknown;
  /** Send `body` as is (a string) rather than as JSON. */
  raw?: true;
  /** The issue path that must name the problem (`(body)` for the body as a whole). */
  field: string;
  /** When set: the issue message must name this key (unknown fields). */
  mentions?: string;
  status?: number;
  code?: ErrorCode;
}

const count = async (w: World, table: "users" | "sessions" | "participants" | "refresh_families") =>
  Number(
    (
      await w.server.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

const uniqueEmail = () => `new-${randomBytes(4).toString("hex")}@example.org`;
const without = (body: Body, key: string) =>
  Object.fromEntries(Object.entries(body).filter(([k]) => k !== key));
const overlongEmail = () => `${"a".repeat(64)}@${"b".repeat(LIMITS.emailChars - 64 - 1 - 4)}x.org`;

const TARGETS = {
  register: {
    method: "POST",
    url: () => "/api/auth/register",
    token: () => undefined,
    valid: () => ({ email: uniqueEmail(), password: "long enough pw", name: "Ada", role: "student" }),
    snapshot: (w) => count(w, "users"),
  },
  login: {
    method: "POST",
    url: () => "/api/auth/login",
    token: () => undefined,
    valid: (w) => ({ email: w.student.email, password: w.student.password }),
    // A login that went through would start a new refresh family.
    snapshot: (w) => count(w, "refresh_families"),
  },
  createSession: {
    method: "POST",
    url: () => "/api/sessions",
    token: (w) => w.teacher.accessToken,
    valid: () => ({ name: "Loops", language: "python" }),
    snapshot: (w) => count(w, "sessions"),
  },
  joinSession: {
    method: "POST",
    url: () => "/api/sessions/join",
    token: (w) => w.student.accessToken,
    valid: (w) => ({ joinCode: w.session.joinCode }),
    snapshot: (w) => count(w, "participants"),
  },
  updateSession: {
    method: "PATCH",
    url: (w) => `/api/sessions/${w.session.id}`,
    token: (w) => w.teacher.accessToken,
    valid: () => ({ editing: "locked", running: "denied", languageLocked: true }),
    snapshot: (w) =>
      w.server.ctx.db
        .selectFrom("sessions")
        .select(["name", "editing", "running", "language_locked", "broadcast", "ai"])
        .where("id", "=", w.session.id)
        .executeTakeFirstOrThrow(),
  },
  raiseHand: {
    method: "POST",
    url: (w) => `/api/sessions/${w.classroom.id}/hands`,
    token: (w) => w.member.accessToken,
    valid: () => ({ message: "Stuck on the loop", line: 3 }),
    snapshot: (w) =>
      w.server.ctx.db
        .selectFrom("hands")
        .select(["id", "message", "line", "status"])
        .where("session_id", "=", w.classroom.id)
        .execute(),
  },
  adminUpdateUser: {
    method: "PATCH",
    url: (w) => `/api/admin/users/${w.target.id}`,
    token: (w) => w.admin.accessToken,
    valid: () => ({ role: "teacher" }),
    snapshot: (w) =>
      w.server.ctx.db
        .selectFrom("users")
        .select(["role", "active"])
        .where("id", "=", w.target.id)
        .executeTakeFirstOrThrow(),
  },
} satisfies Record<string, Target>;
type TargetName = keyof typeof TARGETS;

/** Cases that break the body as a whole, for every target. */
interface RawCase {
  label: string;
  payload: (valid: Body) => string | Buffer;
  contentType?: string | null;
  status: number;
  code: ErrorCode;
}

const RAW_CASES: RawCase[] = [
  {
    label: "malformed JSON (truncated)",
    payload: (v) => JSON.stringify(v).slice(0, -3),
    status: 400,
    code: "malformed_json",
  },
  { label: "malformed JSON (single quotes)", payload: () => "{'a': 1}", status: 400, code: "malformed_json" },
  {
    label: "bytes that are not UTF-8",
    payload: () => Buffer.from([0x7b, 0x22, 0x65, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    status: 400,
    code: "invalid_encoding",
  },
  {
    label: "a valid body with a non-UTF-8 byte inside a value",
    payload: (v) => {
      const json = JSON.stringify(v);
      const at = json.lastIndexOf('"');
      return Buffer.concat([
        Buffer.from(json.slice(0, at)),
        Buffer.from([0xc3, 0x28]),
        Buffer.from(json.slice(at)),
      ]);
    },
    status: 400,
    code: "invalid_encoding",
  },
  {
    label: "a 2 MB body",
    payload: (v) => JSON.stringify({ ...v, padding: "x".repeat(2 * 1024 * 1024) }),
    status: 413,
    code: "body_too_large",
  },
  {
    label: "a text/plain body",
    payload: (v) => JSON.stringify(v),
    contentType: "text/plain",
    status: 415,
    code: "unsupported_media_type",
  },
  {
    label: "a form-encoded body",
    payload: (v) =>
      new URLSearchParams(Object.entries(v).map(([k, x]): [string, string] => [k, String(x)])).toString(),
    contentType: "application/x-www-form-urlencoded",
    status: 415,
    code: "unsupported_media_type",
  },
  {
    label: "a JSON body without a content type",
    payload: (v) => JSON.stringify(v),
    contentType: null,
    status: 415,
    code: "unsupported_media_type",
  },
];

/** Cases where the JSON is fine but the value is not, for every target. */
const COMMON_FIELD_CASES: FieldCase[] = [
  { label: "an empty body", body: () => "", raw: true, field: "(body)" },
  { label: "a JSON array", body: (v) => [v], field: "(body)" },
  { label: "JSON null", body: () => null, field: "(body)" },
  { label: "a JSON string", body: () => "hello", field: "(body)" },
  { label: "an extra field", body: (v) => ({ ...v, isAdmin: true }), field: "(body)", mentions: "isAdmin" },
];

const CONTROL_CHARS: [string, string][] = [
  ["NUL", "\u0000"],
  ["newline", "\n"],
  ["escape (ANSI colour)", "\u001b[31m"],
  ["DEL", "\u007f"],
  ["C1 control (U+0085, next line)", "\u0085"],
];

const FIELD_CASES: Record<TargetName, FieldCase[]> = {
  register: [
    ...["email", "password", "name", "role"].map((k) => ({
      label: `missing ${k}`,
      body: (v: Body) => without(v, k),
      field: k,
    })),
    { label: "email is a number", body: (v) => ({ ...v, email: 42 }), field: "email" },
    { label: "email is not an email", body: (v) => ({ ...v, email: "not-an-email" }), field: "email" },
    { label: "password is a number", body: (v) => ({ ...v, password: 12345678 }), field: "password" },
    { label: "name is null", body: (v) => ({ ...v, name: null }), field: "name" },
    { label: "name is an array", body: (v) => ({ ...v, name: ["Ada"] }), field: "name" },
    { label: "role admin (not self-assignable)", body: (v) => ({ ...v, role: "admin" }), field: "role" },
    { label: "role is a number", body: (v) => ({ ...v, role: 1 }), field: "role" },
    {
      label: `name of ${LIMITS.nameChars + 1} characters`,
      body: (v) => ({ ...v, name: "n".repeat(LIMITS.nameChars + 1) }),
      field: "name",
    },
    { label: "name of only spaces", body: (v) => ({ ...v, name: "   " }), field: "name" },
    {
      label: `email of ${LIMITS.emailChars + 1} characters`,
      body: (v) => ({ ...v, email: overlongEmail() }),
      field: "email",
    },
    {
      label: `password of ${LIMITS.passwordMaxChars + 1} characters`,
      body: (v) => ({ ...v, password: "p".repeat(LIMITS.passwordMaxChars + 1) }),
      field: "password",
    },
    {
      label: `password of ${LIMITS.passwordMinChars - 1} characters`,
      body: (v) => ({ ...v, password: "p".repeat(LIMITS.passwordMinChars - 1) }),
      field: "password",
    },
    ...CONTROL_CHARS.map(([what, ch]) => ({
      label: `name with a control character: ${what}`,
      body: (v: Body) => ({ ...v, name: `Ada${ch}Lovelace` }),
      field: "name",
    })),
    // Invisible format characters (Unicode Cf): a name that reads as another, or reorders text.
    ...(
      [
        ["right-to-left override U+202E", "\u202E"],
        ["left-to-right isolate U+2066", "\u2066"],
        ["zero-width space U+200B", "\u200B"],
        ["zero-width joiner U+200D", "\u200D"],
        ["byte order mark U+FEFF", "\uFEFF"],
        ["soft hyphen U+00AD", "\u00AD"],
      ] as const
    ).map(([what, ch]) => ({
      label: `name with an invisible format character: ${what}`,
      body: (v: Body) => ({ ...v, name: `Ada${ch}Lovelace` }),
      field: "name",
      mentions: "invisible formatting characters",
    })),
  ],
  login: [
    { label: "missing email", body: (v) => without(v, "email"), field: "email" },
    { label: "missing password", body: (v) => without(v, "password"), field: "password" },
    { label: "password is a number", body: (v) => ({ ...v, password: 123 }), field: "password" },
    { label: "empty password", body: (v) => ({ ...v, password: "" }), field: "password" },
    {
      label: `password of ${LIMITS.passwordMaxChars + 1} characters`,
      body: (v) => ({ ...v, password: "p".repeat(LIMITS.passwordMaxChars + 1) }),
      field: "password",
    },
    {
      label: `email of ${LIMITS.emailChars + 1} characters`,
      body: (v) => ({ ...v, email: overlongEmail() }),
      field: "email",
    },
    { label: "email is an object", body: (v) => ({ ...v, email: { $ne: "" } }), field: "email" },
  ],
  createSession: [
    { label: "missing name", body: (v) => without(v, "name"), field: "name" },
    { label: "missing language", body: (v) => without(v, "language"), field: "language" },
    { label: "unknown language", body: (v) => ({ ...v, language: "cobol" }), field: "language" },
    { label: "language in the wrong case", body: (v) => ({ ...v, language: "Python" }), field: "language" },
    { label: "name is a number", body: (v) => ({ ...v, name: 123 }), field: "name" },
    { label: "name is empty", body: (v) => ({ ...v, name: "  " }), field: "name" },
    {
      label: `session name of ${LIMITS.sessionNameChars + 1} characters`,
      body: (v) => ({ ...v, name: "s".repeat(LIMITS.sessionNameChars + 1) }),
      field: "name",
    },
    { label: "starter code is a number", body: (v) => ({ ...v, starterCode: 42 }), field: "starterCode" },
    {
      label: "starter code of 256 KB + 1 byte",
      body: (v) => ({ ...v, starterCode: "x".repeat(LIMITS.codeBytes + 1) }),
      field: "starterCode",
    },
    {
      label: "starter code under 256 K characters but over 256 KB of UTF-8",
      body: (v) => ({ ...v, starterCode: "€".repeat(90_000) }),
      field: "starterCode",
    },
    {
      label: "starter code with a NUL character (PostgreSQL cannot store it)",
      body: (v) => ({ ...v, starterCode: "print(1)\u0000" }),
      field: "starterCode",
    },
    ...CONTROL_CHARS.map(([what, ch]) => ({
      label: `session name with a control character: ${what}`,
      body: (v: Body) => ({ ...v, name: `Loops${ch}and more` }),
      field: "name",
    })),
  ],
  joinSession: [
    { label: "missing joinCode", body: () => ({}), field: "joinCode" },
    { label: "joinCode is a number", body: () => ({ joinCode: 123456 }), field: "joinCode" },
    { label: "joinCode is empty", body: () => ({ joinCode: "   " }), field: "joinCode" },
    { label: "joinCode of 33 characters", body: () => ({ joinCode: "A".repeat(33) }), field: "joinCode" },
  ],
  updateSession: [
    { label: "no field at all", body: () => ({}), field: "(body)" },
    { label: "editing is an unknown value", body: (v) => ({ ...v, editing: "closed" }), field: "editing" },
    { label: "editing is a boolean", body: (v) => ({ ...v, editing: true }), field: "editing" },
    { label: "running is an unknown value", body: (v) => ({ ...v, running: "no" }), field: "running" },
    { label: "running is null", body: (v) => ({ ...v, running: null }), field: "running" },
    {
      label: "languageLocked is a string",
      body: (v) => ({ ...v, languageLocked: "true" }),
      field: "languageLocked",
    },
    {
      label: "languageLocked is a number",
      body: (v) => ({ ...v, languageLocked: 1 }),
      field: "languageLocked",
    },
    {
      label: "broadcast is an unknown value",
      body: (v) => ({ ...v, broadcast: "maybe" }),
      field: "broadcast",
    },
    { label: "ai in the wrong case", body: (v) => ({ ...v, ai: "Hints" }), field: "ai" },
    { label: "ai is an array", body: (v) => ({ ...v, ai: ["full"] }), field: "ai" },
    {
      label: "the language (it cannot change)",
      body: (v) => ({ ...v, language: "java" }),
      field: "(body)",
      mentions: "language",
    },
  ],
  raiseHand: [
    {
      label: `message of ${LIMITS.handMessageChars + 1} characters`,
      body: (v) => ({ ...v, message: "m".repeat(LIMITS.handMessageChars + 1) }),
      field: "message",
    },
    { label: "message is a number", body: (v) => ({ ...v, message: 42 }), field: "message" },
    { label: "message is null", body: (v) => ({ ...v, message: null }), field: "message" },
    ...CONTROL_CHARS.map(([what, ch]) => ({
      label: `message with a control character: ${what}`,
      body: (v: Body) => ({ ...v, message: `Stuck${ch}here` }),
      field: "message",
    })),
    { label: "line is a string", body: (v) => ({ ...v, line: "3" }), field: "line" },
    { label: "line is a boolean", body: (v) => ({ ...v, line: true }), field: "line" },
    { label: "line is an array", body: (v) => ({ ...v, line: [3] }), field: "line" },
    { label: "line is a fraction", body: (v) => ({ ...v, line: 2.5 }), field: "line" },
    { label: "line is 0 (lines count from 1)", body: (v) => ({ ...v, line: 0 }), field: "line" },
    { label: "line is negative", body: (v) => ({ ...v, line: -1 }), field: "line" },
    {
      label: `line past ${LIMITS.handMaxLine}`,
      body: (v) => ({ ...v, line: LIMITS.handMaxLine + 1 }),
      field: "line",
    },
  ],
  adminUpdateUser: [
    { label: "neither role nor active", body: () => ({}), field: "(body)" },
    { label: "an unknown role", body: () => ({ role: "superuser" }), field: "role" },
    { label: "role is null", body: () => ({ role: null }), field: "role" },
    { label: "active is a string", body: () => ({ active: "false" }), field: "active" },
    { label: "active is a number", body: () => ({ active: 0 }), field: "active" },
  ],
};

describe("bad input on every endpoint with a body", () => {
  let w: World;
  beforeAll(async () => {
    const server = await startTestServer();
    if (!server.admin) throw new Error("no admin");
    const teacher = await buildUser(server, { role: "teacher" });
    const classroom = await buildSession(server, teacher, { name: "Help queue" });
    const member = await buildUser(server, { role: "student" });
    await joinSession(server, member, classroom.joinCode);
    w = {
      server,
      admin: server.admin,
      teacher,
      student: await buildUser(server, { role: "student" }),
      session: await buildSession(server, teacher),
      target: await buildUser(server, { role: "student" }),
      classroom,
      member,
    };
  });
  afterAll(() => w?.server.close());

  const send = (
    target: Target,
    payload: string | Buffer,
    contentType: string | null = "application/json",
  ) => {
    const token = target.token(w);
    return w.server.app.inject({
      method: target.method,
      url: target.url(w),
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(contentType ? { "content-type": contentType } : {}),
      },
      payload,
    });
  };

  /** Runs a refused call and checks that what it would have changed did not change. */
  async function refused(target: Target, call: () => Promise<LightMyRequestResponse>) {
    const before = await target.snapshot(w);
    const res = await call();
    const after = await target.snapshot(w);
    return { res, unchanged: () => expect(after).toEqual(before) };
  }

  for (const [name, target] of Object.entries(TARGETS) as [TargetName, Target][]) {
    describe(`${name}: ${target.method} ${ENDPOINTS[name].path}`, () => {
      it("accepts the valid body the cases start from (control)", async () => {
        const res = await send(target, JSON.stringify(target.valid(w)));
        expect(res.statusCode, res.body).toBe(ENDPOINTS[name].status);
        // Undo what it did, so the refused cases below start from the same state.
        if (name === "adminUpdateUser") {
          await w.server.call("PATCH", `/api/admin/users/${w.target.id}`, {
            token: w.admin.accessToken,
            body: { role: "student" },
          });
        }
        if (name === "updateSession") {
          await w.server.call("PATCH", `/api/sessions/${w.session.id}`, {
            token: w.teacher.accessToken,
            body: { editing: "open", running: "allowed", languageLocked: false },
          });
        }
        if (name === "joinSession") {
          await w.server.ctx.db.deleteFrom("participants").where("user_id", "=", w.student.id).execute();
        }
      });

      for (const c of RAW_CASES) {
        it(`${c.label} -> ${c.status} ${c.code}, nothing stored`, async () => {
          const { res, unchanged } = await refused(target, () =>
            send(
              target,
              c.payload(target.valid(w)),
              c.contentType === undefined ? "application/json" : c.contentType,
            ),
          );
          expectApiError(res, c.status, c.code);
          unchanged();
        });
      }

      for (const c of [...COMMON_FIELD_CASES, ...FIELD_CASES[name]]) {
        const status = c.status ?? 422;
        const code = c.code ?? "validation_failed";
        it(`${c.label} -> ${status} ${code} naming ${c.mentions ?? c.field}, nothing stored`, async () => {
          const body = c.body(target.valid(w));
          const { res, unchanged } = await refused(target, () =>
            send(target, c.raw ? String(body) : JSON.stringify(body)),
          );
          expectApiError(res, status, code);
          const issues: { path: string; message: string }[] = res.json().error.issues ?? [];
          expect(issues.map((i) => i.path)).toContain(c.field);
          if (c.mentions) expect(issues.map((i) => i.message).join(" ")).toContain(c.mentions);
          unchanged();
        });
      }
    });
  }

  it("a join code with a NUL character is an unknown code (404) or invalid (422), never a server error", async () => {
    const { res, unchanged } = await refused(TARGETS.joinSession, () =>
      send(TARGETS.joinSession, JSON.stringify({ joinCode: `${w.session.joinCode}\u0000` })),
    );
    expect([404, 422], res.body).toContain(res.statusCode);
    expectApiError(res, res.statusCode, res.statusCode === 404 ? "session_not_found" : "validation_failed");
    unchanged();
  });

  it("a field of the wrong type is reported as the wrong type, not as a missing field", async () => {
    const issueOf = async (body: Body, field: string) => {
      const res = await w.server.call("POST", "/api/auth/register", { body });
      expectApiError(res, 422, "validation_failed");
      const issue = res.json().error.issues.find((i: { path: string }) => i.path === field);
      expect(issue, res.body).toBeDefined();
      return issue.message as string;
    };
    const valid = TARGETS.register.valid();
    const missing = await issueOf(without(valid, "email"), "email");
    for (const wrong of [42, null, ["a@example.org"], { email: "a@example.org" }]) {
      const message = await issueOf({ ...valid, email: wrong }, "email");
      expect(message).not.toBe(missing);
      expect(message).not.toMatch(/required/i);
    }
  });

  it("the limits themselves are accepted: name of 80, password of 256, session name of 120, 256 KB of starter code", async () => {
    const register = await w.server.call("POST", "/api/auth/register", {
      body: {
        email: uniqueEmail(),
        password: "p".repeat(LIMITS.passwordMaxChars),
        name: "n".repeat(LIMITS.nameChars),
        role: "student",
      },
    });
    expect(register.statusCode, register.body).toBe(201);
    expect(register.json().user.name).toHaveLength(LIMITS.nameChars);
    const starterCode = `${"€".repeat(1000)}${"x".repeat(LIMITS.codeBytes - 3000)}`;
    expect(Buffer.byteLength(starterCode)).toBe(LIMITS.codeBytes);
    const create = await w.server.call("POST", "/api/sessions", {
      token: w.teacher.accessToken,
      body: { name: "s".repeat(LIMITS.sessionNameChars), language: "c", starterCode },
    });
    expect(create.statusCode, create.body.slice(0, 300)).toBe(201);
    const stored = await w.server.ctx.db
      .selectFrom("sessions")
      .select(["name", "starter_code"])
      .where("id", "=", create.json().session.id)
      .executeTakeFirstOrThrow();
    expect(stored.name).toHaveLength(LIMITS.sessionNameChars);
    expect(stored.starter_code === starterCode).toBe(true);
  });
});

describe("unknown paths and ids", () => {
  let server: TestServer;
  let teacher: TestUser;
  beforeAll(async () => {
    server = await startTestServer();
    teacher = await buildUser(server, { role: "teacher" });
  });
  afterAll(() => server.close());

  it.each([
    ["GET", "/api/nope"],
    ["POST", "/api/nope"],
    ["GET", "/api/sessions/join/extra"],
    ["DELETE", "/api/sessions"],
    ["GET", "/api/auth"],
  ] as const)("%s %s -> 404 not_found as JSON", async (method, url) => {
    const res = await server.call(method, url, { token: teacher.accessToken });
    expectApiError(res, 404, "not_found");
  });

  it.each([
    ["GET", "/api/sessions/not-a-uuid"],
    ["GET", "/api/sessions/123"],
    ["GET", `/api/sessions/${encodeURIComponent("' or 1=1 --")}`],
    ["POST", "/api/sessions/not-a-uuid/end"],
    ["GET", `/api/sessions/${randomUUID()}`],
    ["POST", `/api/sessions/${randomUUID()}/end`],
  ] as const)("a session id that names nothing: %s %s -> 404 not_found", async (method, url) => {
    const res = await server.call(method, url, { token: teacher.accessToken });
    expectApiError(res, 404, "not_found");
  });

  it("an admin updating a user id that is not a UUID, or unknown -> 404 not_found", async () => {
    const admin = server.admin as TestUser;
    for (const id of ["not-a-uuid", randomUUID()]) {
      const res = await server.call("PATCH", `/api/admin/users/${id}`, {
        token: admin.accessToken,
        body: { role: "teacher" },
      });
      expectApiError(res, 404, "not_found");
    }
  });
});

describe("hand ids that name nothing", () => {
  let server: TestServer;
  let teacher: TestUser;
  let student: TestUser;
  let here: Session;
  let elsewhere: Session;
  /** The student's hand in `elsewhere`. */
  let handId: string;
  beforeAll(async () => {
    server = await startTestServer();
    teacher = await buildUser(server, { role: "teacher" });
    student = await buildUser(server);
    here = await buildSession(server, teacher, { name: "Here" });
    elsewhere = await buildSession(server, teacher, { name: "Elsewhere" });
    for (const session of [here, elsewhere]) await joinSession(server, student, session.joinCode);
    const raised = await server.call("POST", `/api/sessions/${elsewhere.id}/hands`, {
      token: student.accessToken,
      body: { message: "Over there" },
    });
    expect(raised.statusCode, raised.body).toBe(201);
    handId = raised.json().hand.id;
  });
  afterAll(() => server.close());

  const handRow = () =>
    server.ctx.db
      .selectFrom("hands")
      .select(["session_id", "status", "helper_id"])
      .where("id", "=", handId)
      .executeTakeFirstOrThrow();

  it.each(["claim", "resolve"] as const)(
    "%s: an unknown hand id, or one that is not a UUID -> 404 not_found",
    async (action) => {
      for (const id of [randomUUID(), "not-a-uuid", "' or 1=1 --"]) {
        const res = await server.call(
          "POST",
          `/api/sessions/${here.id}/hands/${encodeURIComponent(id)}/${action}`,
          {
            token: teacher.accessToken,
          },
        );
        expectApiError(res, 404, "not_found");
      }
    },
  );

  it.each(["claim", "resolve"] as const)(
    "%s: another session's hand id (of the same teacher and student) -> 404 not_found, the hand unchanged",
    async (action) => {
      const before = await handRow();
      for (const who of [teacher, student]) {
        const res = await server.call("POST", `/api/sessions/${here.id}/hands/${handId}/${action}`, {
          token: who.accessToken,
        });
        // The student may not claim at all (403 before any hand is looked up).
        if (who === student && action === "claim") expectApiError(res, 403, "forbidden");
        else expectApiError(res, 404, "not_found");
      }
      expect(await handRow()).toEqual(before);
      expect(before).toMatchObject({ session_id: elsewhere.id, status: "waiting", helper_id: null });
    },
  );
});
