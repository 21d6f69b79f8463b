import { randomBytes } from "node:crypto";
import {
  broadcastDocumentName,
  CLOSE_CODES,
  ENDPOINTS,
  type Endpoint,
  type EndpointName,
  type ErrorCode,
  type Session,
  studentDocumentName,
} from "@observer/protocol";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChannel } from "../channel-client.ts";
import { type DocClient, openDoc, sharedSocket, typedAndAnswered, watchAnswers } from "../collab-client.ts";
import {
  buildSession,
  buildUser,
  expectApiError,
  joinSession,
  logIn,
  refreshCookieOf,
  type TestUser,
} from "../factories.ts";
import { type FakeProvider, startOpenAiFake } from "../fakes/ai-fakes.ts";
import { type GithubFake, startGithubFake } from "../fakes/github-fake.ts";
import { githubConfigOf, githubFlow } from "../fakes/github-flow.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";
import { openTerminal } from "../terminal-client.ts";

/**
 * Who may call what: every endpoint of the protocol (ENDPOINTS) against every kind of caller.
 * The table below is the single source of the expected answers; one test per cell is
 * generated from it, and an endpoint without a row fails the suite.
 */

const CALLERS = [
  "anonymous",
  "memberStudent",
  "nonMemberStudent",
  "sessionTeacher",
  "otherTeacher",
  "admin",
] as const;
type Caller = (typeof CALLERS)[number];

type Expected = 200 | 201 | 204 | readonly [status: 401 | 403 | 404, code: ErrorCode];
type Row = readonly [Expected, Expected, Expected, Expected, Expected, Expected];

const ANON = [401, "not_authenticated"] as const;
const NO_COOKIE = [401, "refresh_token_invalid"] as const;
const FORBIDDEN = [403, "forbidden"] as const;
const TEACHERS_ONLY = [403, "teachers_only"] as const;
const STUDENTS_ONLY = [403, "students_only"] as const;
const HIDDEN = [404, "not_found"] as const;
/** Register and login are open to everyone and not about the caller: tested separately below. */
const PUBLIC = "public, tested separately";

// Columns follow CALLERS. For `:id` routes the id is a session whose teacher is
// "sessionTeacher" and which "memberStudent" has joined (adminUpdateUser: a fresh student).
// biome-ignore format: the matrix is easier to read aligned
const MATRIX: Record<EndpointName, Row | typeof PUBLIC> = {
  //                  anonymous   memberStudent  nonMemberStudent  sessionTeacher  otherTeacher   admin
  health:            [200,        200,           200,              200,            200,           200],
  config:            [200,        200,           200,              200,            200,           200],
  register:          PUBLIC,
  login:             PUBLIC,
  refresh:           [NO_COOKIE,  200,           200,              200,            200,           200],
  logout:            [ANON,       204,           204,              204,            204,           204],
  me:                [ANON,       200,           200,              200,            200,           200],
  createSession:     [ANON,       TEACHERS_ONLY, TEACHERS_ONLY,    201,            201,           201],
  listSessions:      [ANON,       200,           200,              200,            200,           200],
  joinSession:       [ANON,       200,           200,              200,            STUDENTS_ONLY, STUDENTS_ONLY],
  getSession:        [ANON,       200,           HIDDEN,           200,            HIDDEN,        200],
  updateSession:     [ANON,       FORBIDDEN,     HIDDEN,           200,            HIDDEN,        200],
  endSession:        [ANON,       FORBIDDEN,     HIDDEN,           200,            HIDDEN,        200],
  removeParticipant: [ANON,       FORBIDDEN,     HIDDEN,           204,            HIDDEN,        204],
  // A member student raises their own hand; whoever manages the session helps instead.
  raiseHand:         [ANON,       201,           HIDDEN,           FORBIDDEN,      HIDDEN,        FORBIDDEN],
  listHands:         [ANON,       200,           HIDDEN,           200,            HIDDEN,        200],
  claimHand:         [ANON,       FORBIDDEN,     HIDDEN,           200,            HIDDEN,        200],
  // The hand is memberStudent's: they may lower it.
  resolveHand:       [ANON,       200,           HIDDEN,           200,            HIDDEN,        200],
  adminListUsers:    [ANON,       FORBIDDEN,     FORBIDDEN,        FORBIDDEN,      FORBIDDEN,     200],
  adminUpdateUser:   [ANON,       FORBIDDEN,     FORBIDDEN,        FORBIDDEN,      FORBIDDEN,     200],
  adminListSessions: [ANON,       FORBIDDEN,     FORBIDDEN,        FORBIDDEN,      FORBIDDEN,     200],
  languages:         [ANON,       200,           200,              200,            200,           200],
  // A run for a session the caller is not in is refused (403), not hidden.
  createRun:         [ANON,       201,           FORBIDDEN,        201,            FORBIDDEN,     201],
  // The run is memberStudent's: its student and the session's teacher (and admins) see it.
  getRun:            [ANON,       200,           HIDDEN,           200,            HIDDEN,        200],
  // A student sees their own runs (there: one of memberStudent's); the teacher everyone's.
  listSessionRuns:   [ANON,       200,           HIDDEN,           200,            HIDDEN,        200],
  deleteSession:     [ANON,       FORBIDDEN,     HIDDEN,           204,            HIDDEN,        204],
  // memberStudent's own history (another student's is 403: history.test.ts).
  studentTimeline:   [ANON,       200,           HIDDEN,           200,            HIDDEN,        200],
  studentCodeAt:     [ANON,       200,           HIDDEN,           200,            HIDDEN,        200],
  studentPlayback:   [ANON,       200,           HIDDEN,           200,            HIDDEN,        200],
  exportStudent:     [ANON,       200,           HIDDEN,           200,            HIDDEN,        200],
  exportSession:     [ANON,       FORBIDDEN,     HIDDEN,           200,            HIDDEN,        200],
  sessionAnalytics:  [ANON,       FORBIDDEN,     HIDDEN,           200,            HIDDEN,        200],
  sessionAnalyticsCsv: [ANON,     FORBIDDEN,     HIDDEN,           200,            HIDDEN,        200],
  // memberStudent's sessions: sessionTeacher taught them; otherTeacher never did.
  studentSessions:   [ANON,       TEACHERS_ONLY, TEACHERS_ONLY,    200,            HIDDEN,        200],
  // AI help: settings are a teacher's own (every teacher and admin has theirs); a member
  // student asks; the session's teacher (and admins) read the log and the digest.
  getAiSettings:     [ANON,       TEACHERS_ONLY, TEACHERS_ONLY,    200,            200,           200],
  putAiSettings:     [ANON,       TEACHERS_ONLY, TEACHERS_ONLY,    200,            200,           200],
  testAiSettings:    [ANON,       TEACHERS_ONLY, TEACHERS_ONLY,    200,            200,           200],
  aiAsk:             [ANON,       200,           HIDDEN,           FORBIDDEN,      HIDDEN,        FORBIDDEN],
  aiLog:             [ANON,       FORBIDDEN,     HIDDEN,           200,            HIDDEN,        200],
  aiDigest:          [ANON,       FORBIDDEN,     HIDDEN,           200,            HIDDEN,        200],
  // GitHub (the server has a fake GitHub; each caller is linked first where it matters). The
  // sign-in and its callback are public redirects (302): github.test.ts tests them.
  githubLogin:       PUBLIC,
  githubCallback:    PUBLIC,
  githubLink:        [ANON,       200,           200,              200,            200,           200],
  githubStatus:      [ANON,       200,           200,              200,            200,           200],
  githubUnlink:      [ANON,       204,           204,              204,            204,           204],
  // A member student saves their own code; whoever manages the session archives it instead.
  githubSave:        [ANON,       200,           HIDDEN,           FORBIDDEN,      HIDDEN,        FORBIDDEN],
  archiveSession:    [ANON,       FORBIDDEN,     HIDDEN,           200,            HIDDEN,        200],
};

const describeExpected = (e: Expected) => (typeof e === "number" ? String(e) : `${e[0]} ${e[1]}`);

interface World {
  server: TestServer;
  users: Record<Exclude<Caller, "anonymous">, TestUser>;
  /** Taught by sessionTeacher, joined by memberStudent. */
  session: Session;
  /** Taught by otherTeacher, joined by nobody. */
  otherSession: Session;
}

interface Prepared {
  /** Defaults to the endpoint's path with `:id` = the world's session. */
  url?: string;
  body?: unknown;
  /** Defaults to the caller's own access token and no cookie. */
  token?: string;
  refreshCookie?: string;
  /** What the caller must see, or what must (not) have changed, given the reply. */
  check?: (res: LightMyRequestResponse, ok: boolean) => Promise<void> | void;
}

type Fixture = (w: World, caller: Caller, user: TestUser | null) => Promise<Prepared>;

const isStudent = (c: Caller) => c === "memberStudent" || c === "nonMemberStudent";

async function sessionRow(w: World, id: string) {
  return w.server.ctx.db.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function participantIds(w: World, sessionId: string): Promise<string[]> {
  const rows = await w.server.ctx.db
    .selectFrom("participants")
    .select("user_id")
    .where("session_id", "=", sessionId)
    .execute();
  return rows.map((r) => r.user_id).sort();
}

/** A session of its own for a cell that changes it (join, end), with memberStudent in it. */
async function freshSession(w: World): Promise<Session> {
  const session = await buildSession(w.server, w.users.sessionTeacher, {
    name: `Cell ${randomBytes(3).toString("hex")}`,
  });
  const joined = await joinSession(w.server, w.users.memberStudent, session.joinCode);
  if (joined.statusCode !== 200) throw new Error(`join failed: ${joined.body}`);
  return session;
}

/** memberStudent's hand, raised in a session of its own (see freshSession). */
async function raisedHand(w: World): Promise<{ session: Session; handId: string }> {
  const session = await freshSession(w);
  const raised = await w.server.call("POST", `/api/sessions/${session.id}/hands`, {
    token: w.users.memberStudent.accessToken,
    body: { message: "Stuck on the loop", line: 3 },
  });
  if (raised.statusCode !== 201) throw new Error(`raise failed: ${raised.body}`);
  return { session, handId: raised.json().hand.id };
}

async function handRows(w: World, sessionId: string) {
  return w.server.ctx.db
    .selectFrom("hands")
    .select(["id", "user_id", "message", "status", "helper_id"])
    .where("session_id", "=", sessionId)
    .execute();
}

const AI_KEY = "sk-matrix-key-0123wxyz";
let aiFake: FakeProvider | null = null;
afterAll(() => aiFake?.close());

/** A teacher's AI settings pointing at a local OpenAI fake (started once) that takes AI_KEY. */
async function aiSettingsWithFake(w: World, teacher: TestUser): Promise<void> {
  aiFake ??= await startOpenAiFake({ apiKey: AI_KEY });
  const res = await w.server.call("PUT", "/api/settings/ai", {
    token: teacher.accessToken,
    body: { provider: "openai", model: "gpt-fake", baseUrl: aiFake.baseUrl, apiKey: AI_KEY },
  });
  if (res.statusCode !== 200) throw new Error(`AI settings failed: ${res.body}`);
}

let githubFake: GithubFake;
afterAll(() => githubFake?.close());

/** Links a fresh GitHub account of the fake to the user (through the OAuth flow); returns its login. */
async function linkGithub(w: World, user: TestUser): Promise<string> {
  const { login } = githubFake.addUser({ login: `matrix-${randomBytes(4).toString("hex")}` });
  const { callback } = await githubFlow(w.server, githubFake, login, { linkToken: user.accessToken });
  if (callback.statusCode !== 302) throw new Error(`link failed: ${callback.body}`);
  return login;
}

const githubRowOf = (w: World, user: TestUser | null) =>
  w.server.ctx.db
    .selectFrom("github_accounts")
    .select("login")
    .where("user_id", "=", user?.id ?? "00000000-0000-0000-0000-000000000000")
    .executeTakeFirst();

/** How to call each endpoint in the matrix, and what a caller must then see. */
const FIXTURES: Partial<Record<EndpointName, Fixture>> = {
  health: async () => ({ check: (res) => expect(res.json()).toEqual({ status: "ok" }) }),

  refresh: async (w, _caller, user) => {
    // A login of its own, so the shared tokens of the caller stay valid.
    const login = user ? await logIn(w.server, user) : null;
    return {
      token: login?.accessToken,
      refreshCookie: login?.refreshToken,
      check: async (res, ok) => {
        if (!ok || !user || !login) return;
        expect(refreshCookieOf(res)).not.toBe(login.refreshToken);
        const me = await w.server.call("GET", "/api/auth/me", { token: res.json().accessToken });
        expect(me.statusCode).toBe(200);
        expect(me.json().user.id).toBe(user.id);
      },
    };
  },

  logout: async (w, _caller, user) => {
    const login = user ? await logIn(w.server, user) : null;
    return {
      token: login?.accessToken,
      refreshCookie: login?.refreshToken,
      check: async (_res, ok) => {
        if (!ok || !user || !login) return;
        const me = await w.server.call("GET", "/api/auth/me", { token: login.accessToken });
        expectApiError(me, 401, "token_invalid");
        const refresh = await w.server.call("POST", "/api/auth/refresh", {
          cookies: { observer_refresh: login.refreshToken },
        });
        expect(refresh.statusCode).toBe(401);
        // Only that login ended: the caller's other login still works.
        expect((await w.server.call("GET", "/api/auth/me", { token: user.accessToken })).statusCode).toBe(
          200,
        );
      },
    };
  },

  me: async (_w, _caller, user) => ({
    check: (res, ok) => {
      if (ok) expect(res.json().user).toMatchObject({ id: user?.id, email: user?.email });
    },
  }),

  createSession: async (w, _caller, user) => {
    const name = `Matrix ${randomBytes(4).toString("hex")}`;
    return {
      body: { name, language: "python" },
      check: async (res, ok) => {
        const stored = await w.server.ctx.db
          .selectFrom("sessions")
          .selectAll()
          .where("name", "=", name)
          .execute();
        if (!ok) return expect(stored).toEqual([]);
        expect(res.json().session).toMatchObject({ name, teacherId: user?.id, status: "active" });
        expect(stored).toHaveLength(1);
      },
    };
  },

  listSessions: async (w, caller, user) => ({
    check: async (res, ok) => {
      if (!ok || !user) return;
      const sessions: Session[] = res.json().sessions;
      const ids = sessions.map((s) => s.id);
      const sees = (s: Session) => ids.includes(s.id);
      expect({ session: sees(w.session), otherSession: sees(w.otherSession) }).toEqual({
        session: caller === "sessionTeacher" || caller === "memberStudent",
        otherSession: caller === "otherTeacher",
      });
      for (const s of sessions) {
        // Teachers see only what they teach, students only what they joined.
        if (isStudent(caller)) expect(await participantIds(w, s.id)).toContain(user.id);
        else expect(s.teacherId).toBe(user.id);
      }
    },
  }),

  joinSession: async (w, caller, user) => {
    const session = await freshSession(w);
    const before = await participantIds(w, session.id);
    return {
      body: { joinCode: session.joinCode },
      check: async (res, ok) => {
        const after = await participantIds(w, session.id);
        if (ok && isStudent(caller)) {
          expect(res.json().session.id).toBe(session.id);
          expect(after).toEqual([...new Set([...before, user?.id as string])].sort());
        } else {
          // The teacher gets their session back without becoming a participant.
          if (ok) expect(res.json().session.id).toBe(session.id);
          expect(after).toEqual(before);
        }
      },
    };
  },

  getSession: async (w, caller) => ({
    check: (res, ok) => {
      if (!ok) return;
      const body = res.json();
      expect(body.session.id).toBe(w.session.id);
      if (caller === "memberStudent") {
        expect(body).not.toHaveProperty("participants");
      } else {
        expect(body.participants.map((p: { userId: string }) => p.userId)).toEqual([
          w.users.memberStudent.id,
        ]);
      }
    },
  }),

  updateSession: async (w, caller) => {
    const session = await freshSession(w);
    const name = `Renamed by ${caller}`;
    // The class controls too: only whoever manages the session locks it.
    const controls = { editing: "locked", running: "denied", languageLocked: true } as const;
    return {
      url: `/api/sessions/${session.id}`,
      body: { name, ...controls },
      check: async (res, ok) => {
        const row = await sessionRow(w, session.id);
        if (!ok) {
          expect([row.editing, row.running, row.language_locked]).toEqual(["open", "allowed", false]);
          return expect(row.name).toBe(session.name);
        }
        expect(res.json().session).toMatchObject({ id: session.id, name, ...controls });
        expect(row.name).toBe(name);
        expect([row.editing, row.running, row.language_locked]).toEqual(["locked", "denied", true]);
      },
    };
  },

  endSession: async (w) => {
    const session = await freshSession(w);
    return {
      url: `/api/sessions/${session.id}/end`,
      check: async (res, ok) => {
        const row = await sessionRow(w, session.id);
        if (!ok) return expect(row.status).toBe("active");
        expect(res.json().session).toMatchObject({ id: session.id, status: "ended" });
        expect(row.status).toBe("ended");
      },
    };
  },

  removeParticipant: async (w) => {
    const session = await freshSession(w);
    const studentId = w.users.memberStudent.id;
    return {
      url: `/api/sessions/${session.id}/participants/${studentId}`,
      check: async (_res, ok) => {
        const ids = await participantIds(w, session.id);
        if (ok) expect(ids).not.toContain(studentId);
        else expect(ids).toContain(studentId);
      },
    };
  },

  raiseHand: async (w, caller, user) => {
    const session = await freshSession(w);
    const message = `Asked by ${caller}`;
    return {
      url: `/api/sessions/${session.id}/hands`,
      body: { message, line: 7 },
      check: async (res, ok) => {
        const rows = await handRows(w, session.id);
        if (!ok) return expect(rows).toEqual([]);
        expect(res.json().hand).toMatchObject({
          userId: user?.id,
          message,
          line: 7,
          status: "waiting",
          position: 1,
        });
        expect(rows).toMatchObject([{ user_id: user?.id, message, status: "waiting" }]);
      },
    };
  },

  listHands: async (w, caller) => {
    const { session, handId } = await raisedHand(w);
    // Another student's hand: only whoever manages the session sees it.
    const other = await buildUser(w.server, { name: "Other hand" });
    await joinSession(w.server, other, session.joinCode);
    const second = await w.server.call("POST", `/api/sessions/${session.id}/hands`, {
      token: other.accessToken,
      body: {},
    });
    const otherHandId: string = second.json().hand.id;
    return {
      url: `/api/sessions/${session.id}/hands`,
      check: (res, ok) => {
        if (!ok) return expect(res.body).not.toContain(handId);
        const ids = res.json().hands.map((h: { id: string }) => h.id);
        expect(ids).toEqual(caller === "memberStudent" ? [handId] : [handId, otherHandId]);
      },
    };
  },

  claimHand: async (w, _caller, user) => {
    const { session, handId } = await raisedHand(w);
    return {
      url: `/api/sessions/${session.id}/hands/${handId}/claim`,
      check: async (res, ok) => {
        const [row] = await handRows(w, session.id);
        if (!ok) return expect(row).toMatchObject({ status: "waiting", helper_id: null });
        expect(res.json().hand).toMatchObject({ id: handId, status: "helping", helperName: user?.name });
        expect(row).toMatchObject({ status: "helping", helper_id: user?.id });
      },
    };
  },

  resolveHand: async (w) => {
    const { session, handId } = await raisedHand(w);
    return {
      url: `/api/sessions/${session.id}/hands/${handId}/resolve`,
      check: async (res, ok) => {
        const [row] = await handRows(w, session.id);
        if (!ok) return expect(row?.status).toBe("waiting");
        expect(res.json().hand).toMatchObject({ id: handId, status: "resolved", position: null });
        expect(row?.status).toBe("resolved");
      },
    };
  },

  adminListUsers: async (w) => ({
    check: (res, ok) => {
      if (!ok) return;
      const ids = res.json().users.map((u: { id: string }) => u.id);
      for (const user of Object.values(w.users)) expect(ids).toContain(user.id);
    },
  }),

  adminUpdateUser: async (w) => {
    const target = await buildUser(w.server, { role: "student" });
    return {
      url: `/api/admin/users/${target.id}`,
      body: { role: "teacher" },
      check: async (_res, ok) => {
        const row = await w.server.ctx.db
          .selectFrom("users")
          .select("role")
          .where("id", "=", target.id)
          .executeTakeFirstOrThrow();
        expect(row.role).toBe(ok ? "teacher" : "student");
      },
    };
  },

  languages: async () => ({
    check: (res, ok) => {
      if (!ok) return;
      expect(res.json().languages.map((l: { id: string }) => l.id)).toEqual([
        "python",
        "javascript",
        "c",
        "cpp",
        "java",
      ]);
    },
  }),

  createRun: async (w, _caller, user) => {
    const marker = randomBytes(4).toString("hex");
    return {
      body: { language: "python", code: `print("run ${marker}")` },
      check: async (res, ok) => {
        const rows = () =>
          w.server.ctx.db
            .selectFrom("runs")
            .selectAll()
            .where("session_id", "=", w.session.id)
            .where("started_by", "=", user?.id ?? "00000000-0000-0000-0000-000000000000")
            .execute();
        // A refused run is never started, so it never has a row.
        if (!ok) return expect(await rows()).toEqual([]);
        const run = res.json().run;
        expect(run).toMatchObject({ sessionId: w.session.id, userId: user?.id, language: "python" });
        // The row is written as the run goes (the reply does not wait for it on a lone instance).
        await retryableAssertion(async () => expect((await rows()).map((r) => r.id)).toContain(run.id));
      },
    };
  },

  getRun: async (w, caller) => {
    const started = await w.server.call("POST", `/api/sessions/${w.session.id}/runs`, {
      token: w.users.memberStudent.accessToken,
      body: { language: "python", code: `print(${caller.length} * 2)` },
    });
    if (started.statusCode !== 201) throw new Error(`run failed: ${started.body}`);
    const id = started.json().run.id;
    return {
      url: `/api/runs/${id}`,
      check: (res, ok) => {
        if (ok) expect(res.json().run).toMatchObject({ id, userId: w.users.memberStudent.id });
        else expect(res.body).not.toContain(id);
      },
    };
  },

  listSessionRuns: async (w, caller) => {
    const started = await w.server.call("POST", `/api/sessions/${w.session.id}/runs`, {
      token: w.users.memberStudent.accessToken,
      body: { language: "python", code: `print(${caller.length} * 3)` },
    });
    if (started.statusCode !== 201) throw new Error(`run failed: ${started.body}`);
    const id = started.json().run.id;
    return {
      check: (res, ok) => {
        if (ok) expect(res.json().runs.map((r: { id: string }) => r.id)).toContain(id);
        else expect(res.body).not.toContain(id);
      },
    };
  },

  deleteSession: async (w) => {
    const session = await freshSession(w);
    return {
      url: `/api/sessions/${session.id}`,
      check: async (_res, ok) => {
        const rows = await w.server.ctx.db
          .selectFrom("sessions")
          .select("id")
          .where("id", "=", session.id)
          .execute();
        expect(rows).toHaveLength(ok ? 0 : 1);
      },
    };
  },

  studentTimeline: async (w) => ({
    url: `/api/sessions/${w.session.id}/students/${w.users.memberStudent.id}/timeline`,
    check: (res, ok) => {
      if (ok) expect(Array.isArray(res.json().events)).toBe(true);
    },
  }),

  studentCodeAt: async (w) => ({
    url: `/api/sessions/${w.session.id}/students/${w.users.memberStudent.id}/code?at=${encodeURIComponent(new Date().toISOString())}`,
    check: (res, ok) => {
      if (ok) expect(res.json()).toMatchObject({ language: "python" });
      else expect(res.body).not.toContain('"language"');
    },
  }),

  studentPlayback: async (w) => ({
    url: `/api/sessions/${w.session.id}/students/${w.users.memberStudent.id}/playback`,
    check: (res, ok) => {
      if (ok) expect(res.json().from).toBe(w.session.createdAt);
      else expect(res.body).not.toContain('"frames"');
    },
  }),

  exportStudent: async (w) => ({
    url: `/api/sessions/${w.session.id}/students/${w.users.memberStudent.id}/export.zip`,
    check: (res, ok) => {
      if (ok) expect(res.headers["content-type"]).toBe("application/zip");
      else expect(res.headers["content-type"]).toMatch(/json/);
    },
  }),

  exportSession: async () => ({
    check: (res, ok) => {
      if (ok) expect(res.rawPayload.subarray(0, 2).toString()).toBe("PK");
      else expect(res.headers["content-type"]).toMatch(/json/);
    },
  }),

  sessionAnalytics: async (w) => ({
    check: (res, ok) => {
      if (ok)
        expect(res.json().students.map((s: { userId: string }) => s.userId)).toEqual([
          w.users.memberStudent.id,
        ]);
      else expect(res.body).not.toContain(w.users.memberStudent.id);
    },
  }),

  sessionAnalyticsCsv: async (w) => ({
    check: (res, ok) => {
      if (ok) expect(res.body).toContain(w.users.memberStudent.id);
      else expect(res.body).not.toContain(w.users.memberStudent.id);
    },
  }),

  studentSessions: async (w) => ({
    url: `/api/students/${w.users.memberStudent.id}/sessions`,
    check: (res, ok) => {
      if (ok)
        expect(res.json().sessions.map((s: { sessionId: string }) => s.sessionId)).toContain(w.session.id);
      else expect(res.body).not.toContain(w.session.id);
    },
  }),

  getAiSettings: async (w, _caller, user) => {
    if (user && user.role !== "student") await aiSettingsWithFake(w, user);
    return {
      check: (res, ok) => {
        if (!ok) return expect(res.body).not.toContain("openai");
        expect(res.json().settings).toMatchObject({ provider: "openai", apiKey: `••••${AI_KEY.slice(-4)}` });
        expect(res.body).not.toContain(AI_KEY);
      },
    };
  },

  putAiSettings: async (w, _caller, user) => {
    const model = `model-${randomBytes(3).toString("hex")}`;
    return {
      body: { provider: "openai", model, apiKey: AI_KEY },
      check: async (_res, ok) => {
        const row = await w.server.ctx.db
          .selectFrom("ai_settings")
          .select("model")
          .where("user_id", "=", user?.id ?? "00000000-0000-0000-0000-000000000000")
          .executeTakeFirst();
        expect(row?.model).toBe(ok ? model : undefined);
      },
    };
  },

  testAiSettings: async (w, _caller, user) => {
    if (user && user.role !== "student") await aiSettingsWithFake(w, user);
    return {
      check: (res, ok) => {
        if (ok) expect(res.json()).toMatchObject({ ok: true });
      },
    };
  },

  aiAsk: async (w) => {
    const session = await freshSession(w);
    await aiSettingsWithFake(w, w.users.sessionTeacher);
    const patched = await w.server.call("PATCH", `/api/sessions/${session.id}`, {
      token: w.users.sessionTeacher.accessToken,
      body: { ai: "hints" },
    });
    if (patched.statusCode !== 200) throw new Error(`patch failed: ${patched.body}`);
    return {
      url: `/api/sessions/${session.id}/ai/ask`,
      body: { kind: "hint" },
      check: async (res, ok) => {
        const rows = await w.server.ctx.db
          .selectFrom("ai_exchanges")
          .select("status")
          .where("session_id", "=", session.id)
          .execute();
        if (!ok) return expect(rows).toEqual([]);
        expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
        expect(res.body).toContain('"type":"done"');
        expect(rows).toEqual([{ status: "answered" }]);
      },
    };
  },

  aiLog: async () => ({
    check: (res, ok) => {
      if (ok) expect(Array.isArray(res.json().entries)).toBe(true);
      else expect(res.body).not.toContain('"entries"');
    },
  }),

  aiDigest: async () => ({
    check: (res, ok) => {
      if (ok) expect(res.json()).toMatchObject({ clusters: [], failingStudents: 0 });
      else expect(res.body).not.toContain('"clusters"');
    },
  }),

  githubLink: async (w, _caller, user) => ({
    check: async (res, ok) => {
      if (!ok) return;
      const url = new URL(res.json().url);
      expect(url.origin).toBe(githubFake.webUrl);
      const row = await w.server.ctx.db
        .selectFrom("oauth_states")
        .select(["intent", "user_id"])
        .where("state", "=", url.searchParams.get("state") as string)
        .executeTakeFirst();
      expect(row).toEqual({ intent: "link", user_id: user?.id });
    },
  }),

  githubStatus: async (w, _caller, user) => {
    const login = user ? await linkGithub(w, user) : null;
    return {
      check: (res, ok) => {
        if (ok) expect(res.json()).toMatchObject({ enabled: true, linked: { login } });
      },
    };
  },

  githubUnlink: async (w, _caller, user) => {
    const login = user ? await linkGithub(w, user) : null;
    return {
      check: async (_res, ok) => {
        const row = await githubRowOf(w, user);
        if (!ok) return;
        expect(row).toBeUndefined();
        expect(githubFake.tokens.filter((t) => t.login === login).map((t) => t.revoked)).toEqual([true]);
      },
    };
  },

  githubSave: async (w, _caller, user) => {
    const login = user ? await linkGithub(w, user) : null;
    return {
      body: {},
      check: (res, ok) => {
        const repo = githubFake.repos.get(`${login}/observer-shared`);
        if (!ok) return expect(repo).toBeUndefined();
        expect(res.json()).toMatchObject({ repo: `${login}/observer-shared`, created: true });
        expect(repo?.head()?.files.has("main.py")).toBe(true);
      },
    };
  },

  archiveSession: async (w, _caller, user) => {
    const login = user ? await linkGithub(w, user) : "nobody";
    const repo = githubFake.createRepo(`${login}/matrix-archive`);
    return {
      body: { repo: repo.fullName },
      check: (res, ok) => {
        if (!ok) return expect(repo.commits.size).toBe(0);
        expect(res.json()).toMatchObject({ repo: repo.fullName, files: 2 });
        expect(Object.keys(Object.fromEntries(repo.head()?.files ?? []))).toContain("README.md");
      },
    };
  },

  adminListSessions: async (w) => ({
    check: (res, ok) => {
      if (!ok) return;
      const ids = res.json().sessions.map((s: Session) => s.id);
      expect(ids).toEqual(expect.arrayContaining([w.session.id, w.otherSession.id]));
    },
  }),
};

describe("authorization matrix: every endpoint x every kind of caller", () => {
  let w: World;
  beforeAll(async () => {
    githubFake = await startGithubFake();
    const server = await startTestServer({ config: { github: githubConfigOf(githubFake) } });
    if (!server.admin) throw new Error("no admin");
    const users = {
      memberStudent: await buildUser(server, { role: "student", name: "Member" }),
      nonMemberStudent: await buildUser(server, { role: "student", name: "Outsider" }),
      sessionTeacher: await buildUser(server, { role: "teacher", name: "Teacher" }),
      otherTeacher: await buildUser(server, { role: "teacher", name: "Other teacher" }),
      admin: server.admin,
    };
    expect(users.admin.role).toBe("admin");
    const session = await buildSession(server, users.sessionTeacher, { name: "Shared" });
    expect((await joinSession(server, users.memberStudent, session.joinCode)).statusCode).toBe(200);
    const otherSession = await buildSession(server, users.otherTeacher, { name: "Someone else's" });
    w = { server, users, session, otherSession };
  });
  afterAll(() => w?.server.close());

  for (const [name, endpoint] of Object.entries(ENDPOINTS) as [EndpointName, Endpoint][]) {
    const row = MATRIX[name];
    if (row === undefined) {
      it(`${name} (${endpoint.method} ${endpoint.path}) has a row in the matrix`, () => {
        expect.fail(`add ${name} to MATRIX in authorization-matrix.test.ts`);
      });
      continue;
    }
    if (row === PUBLIC) continue;

    describe(`${name}: ${endpoint.method} ${endpoint.path}`, () => {
      CALLERS.forEach((caller, i) => {
        const expected = row[i] as Expected;
        it(`${caller} -> ${describeExpected(expected)}`, async () => {
          const user = caller === "anonymous" ? null : w.users[caller];
          const fixture: Fixture = FIXTURES[name] ?? (async () => ({}));
          const prepared = await fixture(w, caller, user);
          const url = prepared.url ?? endpoint.path.replace(":id", w.session.id);
          const token = "token" in prepared ? prepared.token : user?.accessToken;
          const res = await w.server.call(endpoint.method, url, {
            token,
            ...(prepared.refreshCookie ? { cookies: { observer_refresh: prepared.refreshCookie } } : {}),
            ...(prepared.body !== undefined ? { body: prepared.body } : {}),
          });
          if (typeof expected === "number") {
            expect(res.statusCode, res.body).toBe(expected);
            expect(expected).toBe(endpoint.status);
            if (endpoint.reply) endpoint.reply.parse(res.json());
          } else {
            expectApiError(res, expected[0], expected[1]);
          }
          await prepared.check?.(res, typeof expected === "number");
        });
      });
    });
  }
});

describe("public and cookie-only endpoints", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("register is open to anonymous callers: 201 with the account and a refresh cookie", async () => {
    const email = `public-${randomBytes(3).toString("hex")}@example.org`;
    const res = await server.call("POST", "/api/auth/register", {
      body: { email, password: "long enough pw", name: "Anon", role: "student" },
    });
    expect(res.statusCode).toBe(201);
    ENDPOINTS.register.reply.parse(res.json());
    expect(res.json().user).toMatchObject({ email, role: "student" });
    expect(refreshCookieOf(res)).toBeTruthy();
  });

  it("login is open to anonymous callers: 200 with the right password, 401 invalid_credentials otherwise", async () => {
    const user = await buildUser(server);
    const ok = await server.call("POST", "/api/auth/login", {
      body: { email: user.email, password: user.password },
    });
    expect(ok.statusCode).toBe(200);
    ENDPOINTS.login.reply.parse(ok.json());
    expect(ok.json().user.id).toBe(user.id);
    const bad = await server.call("POST", "/api/auth/login", {
      body: { email: user.email, password: `${user.password}!` },
    });
    expectApiError(bad, 401, "invalid_credentials");
  });

  it("refresh needs the refresh cookie: a valid access token alone gets 401", async () => {
    const user = await buildUser(server);
    const res = await server.call("POST", "/api/auth/refresh", { token: user.accessToken });
    expectApiError(res, 401, "refresh_token_invalid");
  });
});

/**
 * The "socket after revocation" column: every socket kind (a collaboration socket, the session
 * channel, a run terminal) x every way a user's rights shrink. Each cell opens the socket as it
 * is used, revokes, and expects the server to close it with the code of the table; nothing of
 * the login is left open to write a document, stream the session or type into a program.
 */
const SOCKET_KINDS = ["collab", "broadcast", "channel", "terminal"] as const;
type SocketKind = (typeof SOCKET_KINDS)[number];
type Subject = "student" | "teacher";

// Who holds the sockets (a student: their own document, channel and run; the session's teacher:
// the dashboard's socket with the student's document, the channel, the student's run terminal),
// and the close code every kind of socket must get.
const REVOCATIONS = {
  logout: { subject: "student", code: CLOSE_CODES.unauthorized },
  refreshTokenReused: { subject: "student", code: CLOSE_CODES.unauthorized },
  deactivation: { subject: "teacher", code: CLOSE_CODES.forbidden },
  demotion: { subject: "teacher", code: CLOSE_CODES.forbidden },
  removalFromSession: { subject: "student", code: CLOSE_CODES.forbidden },
} as const satisfies Record<string, { subject: Subject; code: number }>;
type RevocationKind = keyof typeof REVOCATIONS;

interface Cell {
  server: TestServer;
  url: string;
  teacher: TestUser;
  student: TestUser;
  session: Session;
}

interface OpenSocket {
  /** The close code the server sent. */
  closed: Promise<number>;
  /** Whether the server still holds a document connection of the user (collab only). */
  held?: () => boolean;
  dispose(): void;
}

async function openSocketOf(cell: Cell, kind: SocketKind, who: TestUser): Promise<OpenSocket> {
  const { server, url, session, student } = cell;
  if (kind === "collab" || kind === "broadcast") {
    const name =
      kind === "collab" ? studentDocumentName(session.id, student.id) : broadcastDocumentName(session.id);
    const socket = sharedSocket(url);
    const closed = new Promise<number>((resolve) =>
      socket.on("close", ({ event }: { event: { code: number } }) => resolve(event.code)),
    );
    const doc = openDoc(url, { name, token: who.accessToken, socket });
    await doc.synced;
    doc.code.insert(0, "# before\n");
    return {
      closed,
      held: () =>
        (server.collab.hocuspocus.documents.get(name)?.getConnections() ?? []).some(
          (c) => (c.context as { user?: { id: string } } | undefined)?.user?.id === who.id,
        ),
      dispose: () => {
        doc.destroy();
        socket.destroy();
      },
    };
  }
  if (kind === "channel") {
    const channel = await openChannel(url, session.id, who.accessToken);
    await channel.next((m) => m.type === "ready");
    return { closed: channel.closed, dispose: () => channel.close() };
  }
  const started = await server.call("POST", `/api/sessions/${session.id}/runs`, {
    token: student.accessToken,
    body: { language: "python", code: 'print("waiting", flush=True)\nprint(input())' },
  });
  if (started.statusCode !== 201) throw new Error(`run failed: ${started.body}`);
  const terminal = await openTerminal(url, started.json().run.id, who.accessToken);
  await terminal.waitForOutput("waiting");
  return { closed: terminal.closed, dispose: () => terminal.close() };
}

async function revoke(cell: Cell, kind: RevocationKind, who: TestUser): Promise<void> {
  const { server } = cell;
  const admin = server.admin as TestUser;
  const expectStatus = (res: LightMyRequestResponse, status: number) =>
    expect(res.statusCode, res.body).toBe(status);
  switch (kind) {
    case "logout":
      return expectStatus(
        await server.call("POST", "/api/auth/logout", {
          token: who.accessToken,
          cookies: { observer_refresh: who.refreshToken },
        }),
        204,
      );
    case "refreshTokenReused": {
      const cookies = { observer_refresh: who.refreshToken };
      expectStatus(await server.call("POST", "/api/auth/refresh", { cookies }), 200);
      return expectApiError(
        await server.call("POST", "/api/auth/refresh", { cookies }),
        401,
        "refresh_token_reused",
      );
    }
    case "deactivation":
      return expectStatus(
        await server.call("PATCH", `/api/admin/users/${who.id}`, {
          token: admin.accessToken,
          body: { active: false },
        }),
        200,
      );
    case "demotion":
      return expectStatus(
        await server.call("PATCH", `/api/admin/users/${who.id}`, {
          token: admin.accessToken,
          body: { role: "student" },
        }),
        200,
      );
    case "removalFromSession":
      return expectStatus(
        await server.call("DELETE", `/api/sessions/${cell.session.id}/participants/${cell.student.id}`, {
          token: cell.teacher.accessToken,
        }),
        204,
      );
  }
}

/** Resolves with the promise's value, or rejects when it has not settled in `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: still open after ${ms} ms`)), ms),
    ),
  ]);
}

describe("socket after revocation: every socket kind x every revocation", () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
  });
  afterAll(() => server?.close());

  for (const [kind, { subject, code }] of Object.entries(REVOCATIONS) as [
    RevocationKind,
    (typeof REVOCATIONS)[RevocationKind],
  ][]) {
    describe(`${kind} (${subject})`, () => {
      for (const socketKind of SOCKET_KINDS) {
        it(`${socketKind} socket -> closed ${code}`, async () => {
          const teacher = await buildUser(server, { role: "teacher", name: "Revoked teacher" });
          const student = await buildUser(server, { name: "Revoked student" });
          const session = await buildSession(server, teacher);
          expect((await joinSession(server, student, session.joinCode)).statusCode).toBe(200);
          const cell: Cell = { server, url, teacher, student, session };
          const who = subject === "teacher" ? teacher : student;
          const socket = await openSocketOf(cell, socketKind, who);
          try {
            if (socket.held) expect(socket.held()).toBe(true);
            await revoke(cell, kind, who);
            // Closed by the server within a few seconds (not at the next reconnection).
            expect(await within(socket.closed, 5000, `${socketKind} socket`)).toBe(code);
            if (socket.held) expect(socket.held()).toBe(false);
          } finally {
            socket.dispose();
            // The terminal's program waits for input: stop it, so it does not hold a runner slot.
            server.ctx.runs.stopSession(session.id);
          }
        });
      }
    });
  }
});

/**
 * The "socket" columns of the matrix: every socket kind x every kind of caller, on the world's
 * session (taught by sessionTeacher, joined by memberStudent): memberStudent's document, the
 * session channel, and the terminal of memberStudent's run. auth/policies.ts decides: an admin
 * has the session teacher's rights on every session (observes the documents, gets the
 * teacher's roster, follows the terminals); a teacher of another session gets nothing.
 */
type SocketOutcome =
  /** collab: synced, writable, with the student's code. */
  | "own"
  /** collab: synced with the student's real code, and follows their edits. */
  | "observe"
  /** broadcast: synced with the teacher's code, follows it, and writes it. */
  | "write"
  /** broadcast: synced with the teacher's code and follows it; the caller's changes are not applied. */
  | "read"
  /** channel: ready as a student, a roster of themselves only. */
  | "studentView"
  /** channel: ready as the teacher, the whole roster. */
  | "teacherView"
  /** terminal: the run's output. */
  | "follow"
  /** Closed by the server with this code. */
  | number;
type SocketRow = readonly [
  SocketOutcome,
  SocketOutcome,
  SocketOutcome,
  SocketOutcome,
  SocketOutcome,
  SocketOutcome,
];

const UNAUTHORIZED = CLOSE_CODES.unauthorized;
const DENIED = CLOSE_CODES.forbidden;
// biome-ignore format: the matrix is easier to read aligned
const SOCKET_MATRIX: Record<SocketKind, SocketRow> = {
  //        anonymous     memberStudent  nonMemberStudent  sessionTeacher  otherTeacher  admin
  collab:   [UNAUTHORIZED, "own",         DENIED,           "observe",      DENIED,       "observe"],
  broadcast:[UNAUTHORIZED, "read",        DENIED,           "write",        DENIED,       "write"],
  channel:  [UNAUTHORIZED, "studentView", DENIED,           "teacherView",  DENIED,       "teacherView"],
  terminal: [UNAUTHORIZED, "follow",      DENIED,           "follow",       DENIED,       "follow"],
};

describe("live sockets: every socket kind x every kind of caller", () => {
  let w: World;
  let url: string;
  /** memberStudent's own connection to their document, holding the code the others must see. */
  let studentDoc: DocClient;
  /** The session teacher's connection to the session's broadcast. */
  let broadcastDoc: DocClient;
  let runId: string;
  const code = `print("matrix ${randomBytes(3).toString("hex")}")\n`;
  beforeAll(async () => {
    const server = await startTestServer();
    if (!server.admin) throw new Error("no admin");
    url = await server.listen();
    const users = {
      memberStudent: await buildUser(server, { role: "student", name: "Member" }),
      nonMemberStudent: await buildUser(server, { role: "student", name: "Outsider" }),
      sessionTeacher: await buildUser(server, { role: "teacher", name: "Teacher" }),
      otherTeacher: await buildUser(server, { role: "teacher", name: "Other teacher" }),
      admin: server.admin,
    };
    const session = await buildSession(server, users.sessionTeacher, { name: "Live", starterCode: "" });
    expect((await joinSession(server, users.memberStudent, session.joinCode)).statusCode).toBe(200);
    const otherSession = await buildSession(server, users.otherTeacher, { name: "Someone else's live" });
    w = { server, users, session, otherSession };
    studentDoc = openDoc(url, {
      name: studentDocumentName(session.id, users.memberStudent.id),
      token: users.memberStudent.accessToken,
    });
    await studentDoc.synced;
    studentDoc.code.insert(0, code);
    broadcastDoc = openDoc(url, {
      name: broadcastDocumentName(session.id),
      token: users.sessionTeacher.accessToken,
    });
    await broadcastDoc.synced;
    broadcastDoc.code.insert(0, `# broadcast ${code}`);
    const started = await server.call("POST", `/api/sessions/${session.id}/runs`, {
      token: users.memberStudent.accessToken,
      body: { language: "python", code: 'print("matrix run", flush=True)\nprint(input())' },
    });
    if (started.statusCode !== 201) throw new Error(`run failed: ${started.body}`);
    runId = started.json().run.id;
  });
  afterAll(async () => {
    studentDoc?.destroy();
    broadcastDoc?.destroy();
    w?.server.ctx.runs.stopSession(w.session.id);
    await w?.server.close();
  });

  /** Opens the socket as the caller and checks what they get. */
  async function expectSocket(kind: SocketKind, caller: Caller, expected: SocketOutcome): Promise<void> {
    const user = caller === "anonymous" ? null : w.users[caller];
    const member = w.users.memberStudent;
    if (kind === "collab") {
      const doc = openDoc(url, {
        name: studentDocumentName(w.session.id, member.id),
        token: user?.accessToken ?? null,
      });
      try {
        const outcome = await Promise.race([doc.synced.then(() => "synced" as const), doc.closed]);
        if (typeof expected === "number") return expect(outcome).toBe(expected);
        expect(outcome).toBe("synced");
        // The student's real code, and their next edit as it happens.
        expect(doc.code.toString()).toBe(studentDoc.code.toString());
        expect(doc.code.toString()).toContain(code);
        studentDoc.code.insert(studentDoc.code.length, `# seen by ${caller}\n`);
        await retryableAssertion(() => expect(doc.code.toString()).toContain(`# seen by ${caller}\n`));
        if (expected === "own") {
          doc.code.insert(doc.code.length, "# own edit\n");
          await retryableAssertion(() => expect(studentDoc.code.toString()).toContain("# own edit\n"));
        }
      } finally {
        doc.destroy();
      }
      return;
    }
    if (kind === "broadcast") {
      const doc = openDoc(url, {
        name: broadcastDocumentName(w.session.id),
        token: user?.accessToken ?? null,
      });
      const answers = watchAnswers(doc);
      try {
        const outcome = await Promise.race([doc.synced.then(() => "synced" as const), doc.closed]);
        if (typeof expected === "number") return expect(outcome).toBe(expected);
        expect(outcome).toBe("synced");
        // The teacher's code, and their next edit as it happens.
        expect(doc.code.toString()).toContain(`# broadcast ${code}`);
        broadcastDoc.code.insert(broadcastDoc.code.length, `# shown to ${caller}\n`);
        await retryableAssertion(() => expect(doc.code.toString()).toContain(`# shown to ${caller}\n`));
        // The handshake answered, each later answer is that of one change.
        await retryableAssertion(() => expect(answers.applied + answers.refused).toBe(1));
        const applied = await typedAndAnswered({ client: doc, answers }, `# written by ${caller}\n`);
        expect(applied).toBe(expected === "write");
        if (applied)
          await retryableAssertion(() =>
            expect(broadcastDoc.code.toString()).toContain(`# written by ${caller}\n`),
          );
        else expect(broadcastDoc.code.toString()).not.toContain(`# written by ${caller}\n`);
      } finally {
        doc.destroy();
      }
      return;
    }
    if (kind === "channel") {
      const channel = await openChannel(url, w.session.id, user?.accessToken ?? "");
      try {
        if (typeof expected === "number") return expect(await channel.closed).toBe(expected);
        const ready = await channel.next((m) => m.type === "ready");
        if (ready.type !== "ready") throw new Error("not ready");
        expect(ready.role).toBe(expected === "teacherView" ? "teacher" : "student");
        expect(ready.roster.map((r) => r.userId)).toEqual([member.id]);
        // The teacher's roster shows who is online: the student's document is open.
        if (expected === "teacherView") expect(ready.roster[0]?.online).toBe(true);
      } finally {
        channel.close();
      }
      return;
    }
    const terminal = await openTerminal(url, runId, user?.accessToken ?? "");
    try {
      if (typeof expected === "number") return expect(await terminal.closed).toBe(expected);
      await terminal.waitForOutput("matrix run");
    } finally {
      terminal.close();
    }
  }

  for (const kind of SOCKET_KINDS) {
    describe(`${kind} socket`, () => {
      CALLERS.forEach((caller, i) => {
        const expected = SOCKET_MATRIX[kind][i] as SocketOutcome;
        it(`${caller} -> ${expected}`, () => expectSocket(kind, caller, expected));
      });
    });
  }
});

describe("a teacher demoted to student", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("no longer manages their sessions: the routes answer as to any student outside them", async () => {
    const teacher = await buildUser(server, { role: "teacher" });
    const student = await buildUser(server);
    const session = await buildSession(server, teacher);
    expect((await joinSession(server, student, session.joinCode)).statusCode).toBe(200);
    const demoted = await server.call("PATCH", `/api/admin/users/${teacher.id}`, {
      token: server.admin?.accessToken,
      body: { role: "student" },
    });
    expect(demoted.statusCode).toBe(200);
    // The same access token (its role claim says teacher): the role is read from the database.
    const token = teacher.accessToken;
    expectApiError(await server.call("GET", `/api/sessions/${session.id}`, { token }), 404, "not_found");
    expectApiError(await server.call("POST", `/api/sessions/${session.id}/end`, { token }), 404, "not_found");
    expectApiError(
      await server.call("DELETE", `/api/sessions/${session.id}/participants/${student.id}`, { token }),
      404,
      "not_found",
    );
    expectApiError(
      await server.call("POST", `/api/sessions/${session.id}/runs`, {
        token,
        body: { language: "python", code: "print(1)", userId: student.id },
      }),
      403,
      "forbidden",
    );
    const row = await server.ctx.db
      .selectFrom("sessions")
      .select("status")
      .where("id", "=", session.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("active");
  });
});
