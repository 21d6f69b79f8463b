import type { z } from "zod";
import {
  aiAskBodySchema,
  aiDigestReplySchema,
  aiLogReplySchema,
  aiSettingsBodySchema,
  aiSettingsReplySchema,
  aiTestReplySchema,
} from "./ai.ts";
import {
  archiveBodySchema,
  archiveReplySchema,
  githubCallbackQuerySchema,
  githubLinkReplySchema,
  githubSaveBodySchema,
  githubSaveReplySchema,
  githubStatusReplySchema,
} from "./github.ts";
import { handReplySchema, handsReplySchema, raiseHandBodySchema } from "./hands.ts";
import { healthReplySchema, publicConfigReplySchema } from "./health.ts";
import {
  analyticsReplySchema,
  codeAtQuerySchema,
  codeAtReplySchema,
  playbackReplySchema,
  studentSessionsReplySchema,
  timelineReplySchema,
} from "./history.ts";
import {
  createRunBodySchema,
  languagesReplySchema,
  runHistoryQuerySchema,
  runHistoryReplySchema,
  runReplySchema,
} from "./runs.ts";
import {
  createSessionBodySchema,
  joinSessionBodySchema,
  sessionDetailReplySchema,
  sessionReplySchema,
  sessionsReplySchema,
  updateSessionBodySchema,
} from "./sessions.ts";
import {
  adminUserReplySchema,
  adminUsersReplySchema,
  adminUserUpdateBodySchema,
  authReplySchema,
  loginBodySchema,
  meReplySchema,
  refreshReplySchema,
  registerBodySchema,
} from "./users.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type EndpointAuth = "public" | "bearer" | "admin" | "refreshCookie" | "bearerAndCookie";

/** Endpoints whose caller sends an access token as `Authorization: Bearer`. */
export const BEARER_AUTH: readonly EndpointAuth[] = ["bearer", "admin", "bearerAndCookie"];

/** One HTTP endpoint of the public API: the single description used for docs and clients. */
export interface Endpoint {
  method: HttpMethod;
  /** Fastify-style path, e.g. `/api/sessions/:id`. */
  path: string;
  summary: string;
  /**
   * Who may call it: `public`; any logged-in user (`bearer`); administrators only (`admin`,
   * a bearer token too); a call authenticated by the refresh cookie (`refreshCookie`); or a
   * cookie call that also names its access token when it has one (`bearerAndCookie`).
   */
  auth: EndpointAuth;
  body?: z.ZodType;
  /** The query string's parameters (each a string before the schema coerces it). */
  query?: z.ZodType;
  reply?: z.ZodType;
  /**
   * The media type of a reply that is a file rather than JSON (`application/zip`, `text/csv`);
   * its handler answers a FileReply (see packages/server/src/http/route.ts).
   */
  produces?: string;
  /**
   * Status of a successful reply. 302 is a redirect (a browser navigation, e.g. OAuth): its
   * handler answers `{ location }` (see packages/server/src/http/route.ts).
   */
  status: number;
  /** Another success status with the same reply (200 when a create finds the thing already there). */
  alsoStatus?: number;
}

/** Every endpoint of the API, keyed by a stable name. */
export const ENDPOINTS = {
  health: {
    method: "GET",
    path: "/api/health",
    summary: "Liveness: ok once the server accepts requests.",
    auth: "public",
    reply: healthReplySchema,
    status: 200,
  },
  config: {
    method: "GET",
    path: "/api/config",
    summary: "Public settings the sign-up page needs.",
    auth: "public",
    reply: publicConfigReplySchema,
    status: 200,
  },
  register: {
    method: "POST",
    path: "/api/auth/register",
    summary: "Create an account; sets the refresh cookie.",
    auth: "public",
    body: registerBodySchema,
    reply: authReplySchema,
    status: 201,
  },
  login: {
    method: "POST",
    path: "/api/auth/login",
    summary: "Log in; sets the refresh cookie.",
    auth: "public",
    body: loginBodySchema,
    reply: authReplySchema,
    status: 200,
  },
  refresh: {
    method: "POST",
    path: "/api/auth/refresh",
    summary: "Rotate the refresh cookie and get a new access token.",
    auth: "refreshCookie",
    reply: refreshReplySchema,
    status: 200,
  },
  logout: {
    method: "POST",
    path: "/api/auth/logout",
    summary: "Revoke this login: the access token and the refresh family.",
    auth: "bearerAndCookie",
    status: 204,
  },
  me: {
    method: "GET",
    path: "/api/auth/me",
    summary: "The logged-in user.",
    auth: "bearer",
    reply: meReplySchema,
    status: 200,
  },
  createSession: {
    method: "POST",
    path: "/api/sessions",
    summary: "Create a session (teachers and admins).",
    auth: "bearer",
    body: createSessionBodySchema,
    reply: sessionReplySchema,
    status: 201,
  },
  listSessions: {
    method: "GET",
    path: "/api/sessions",
    summary: "Sessions the user teaches, or has joined.",
    auth: "bearer",
    reply: sessionsReplySchema,
    status: 200,
  },
  joinSession: {
    method: "POST",
    path: "/api/sessions/join",
    summary: "Join a session by its code (any case); idempotent.",
    auth: "bearer",
    body: joinSessionBodySchema,
    reply: sessionReplySchema,
    status: 200,
  },
  getSession: {
    method: "GET",
    path: "/api/sessions/:id",
    summary: "A session; its teacher also gets the participants.",
    auth: "bearer",
    reply: sessionDetailReplySchema,
    status: 200,
  },
  updateSession: {
    method: "PATCH",
    path: "/api/sessions/:id",
    summary: "Change a session's name, starter code, time per run or class controls (its teacher, admins).",
    auth: "bearer",
    body: updateSessionBodySchema,
    reply: sessionReplySchema,
    status: 200,
  },
  endSession: {
    method: "POST",
    path: "/api/sessions/:id/end",
    summary: "End a session (its teacher); idempotent.",
    auth: "bearer",
    reply: sessionReplySchema,
    status: 200,
  },
  removeParticipant: {
    method: "DELETE",
    path: "/api/sessions/:id/participants/:userId",
    summary:
      "Remove a student from a session (its teacher, admins); their open sockets about it close at once.",
    auth: "bearer",
    status: 204,
  },
  raiseHand: {
    method: "POST",
    path: "/api/sessions/:id/hands",
    summary:
      "Raise a hand in the help queue (a member student); 200 with the open hand, its message and line updated, when one is already raised.",
    auth: "bearer",
    body: raiseHandBodySchema,
    reply: handReplySchema,
    status: 201,
    alsoStatus: 200,
  },
  listHands: {
    method: "GET",
    path: "/api/sessions/:id/hands",
    summary:
      "The help queue: every waiting and helping hand, oldest first (its teacher, admins); a student's own open hand.",
    auth: "bearer",
    reply: handsReplySchema,
    status: 200,
  },
  claimHand: {
    method: "POST",
    path: "/api/sessions/:id/hands/:handId/claim",
    summary: "Claim a hand: the caller is helping (its teacher, admins).",
    auth: "bearer",
    reply: handReplySchema,
    status: 200,
  },
  resolveHand: {
    method: "POST",
    path: "/api/sessions/:id/hands/:handId/resolve",
    summary: "Resolve a hand (its teacher, admins) or lower it (its student); the others move up.",
    auth: "bearer",
    reply: handReplySchema,
    status: 200,
  },
  languages: {
    method: "GET",
    path: "/api/languages",
    summary: "The languages programs can run in here, with their versions and availability.",
    auth: "bearer",
    reply: languagesReplySchema,
    status: 200,
  },
  createRun: {
    method: "POST",
    path: "/api/sessions/:id/runs",
    summary:
      "Run code in the sandbox (a member student for themselves, or the teacher for a student); attach to its terminal WebSocket.",
    auth: "bearer",
    body: createRunBodySchema,
    reply: runReplySchema,
    status: 201,
  },
  listSessionRuns: {
    method: "GET",
    path: "/api/sessions/:id/runs",
    summary:
      "A session's runs, newest first: the teacher's view of every student's (or one's, `?userId=`), a student's own.",
    auth: "bearer",
    query: runHistoryQuerySchema,
    reply: runHistoryReplySchema,
    status: 200,
  },
  getRun: {
    method: "GET",
    path: "/api/runs/:runId",
    summary: "A run: its state, result and output so far (its student and the session's teacher).",
    auth: "bearer",
    reply: runReplySchema,
    status: 200,
  },
  deleteSession: {
    method: "DELETE",
    path: "/api/sessions/:id",
    summary:
      "Delete a session and everything of it: code, history, runs, hands (its teacher, admins); its sockets close.",
    auth: "bearer",
    status: 204,
  },
  studentTimeline: {
    method: "GET",
    path: "/api/sessions/:id/students/:userId/timeline",
    summary:
      "A student's timeline, oldest first: edits, pastes, runs, raised hands, teacher edits (the teacher; the student their own).",
    auth: "bearer",
    reply: timelineReplySchema,
    status: 200,
  },
  studentCodeAt: {
    method: "GET",
    path: "/api/sessions/:id/students/:userId/code",
    summary:
      "A student's code exactly as it was at `?at=` (the last saved state at or before it; the teacher, the student their own).",
    auth: "bearer",
    query: codeAtQuerySchema,
    reply: codeAtReplySchema,
    status: 200,
  },
  studentPlayback: {
    method: "GET",
    path: "/api/sessions/:id/students/:userId/playback",
    summary:
      "Extension: a student's whole history for playback: saved moments as text deltas, the timeline, paste share (the teacher, the student their own).",
    auth: "bearer",
    reply: playbackReplySchema,
    status: 200,
  },
  exportSession: {
    method: "GET",
    path: "/api/sessions/:id/export.zip",
    summary:
      "The whole session as a zip (its teacher, admins): a folder per student with their code and runs, students.csv and runs.csv. Streamed.",
    auth: "bearer",
    produces: "application/zip",
    status: 200,
  },
  exportStudent: {
    method: "GET",
    path: "/api/sessions/:id/students/:userId/export.zip",
    summary: "Extension: one student's code and runs as a zip (the student their own; the teacher any).",
    auth: "bearer",
    produces: "application/zip",
    status: 200,
  },
  sessionAnalytics: {
    method: "GET",
    path: "/api/sessions/:id/analytics",
    summary: "Per student figures and the class's activity per minute (its teacher, admins).",
    auth: "bearer",
    reply: analyticsReplySchema,
    status: 200,
  },
  sessionAnalyticsCsv: {
    method: "GET",
    path: "/api/sessions/:id/analytics.csv",
    summary: "The per student figures of the analytics as CSV (its teacher, admins).",
    auth: "bearer",
    produces: "text/csv",
    status: 200,
  },
  studentSessions: {
    method: "GET",
    path: "/api/students/:userId/sessions",
    summary:
      "Extension: a student's sessions among the caller's own (a teacher; admins see all), with their figures in each.",
    auth: "bearer",
    reply: studentSessionsReplySchema,
    status: 200,
  },
  getAiSettings: {
    method: "GET",
    path: "/api/settings/ai",
    summary: "The caller's AI settings (teachers, admins); the API key only masked (its last 4 characters).",
    auth: "bearer",
    reply: aiSettingsReplySchema,
    status: 200,
  },
  putAiSettings: {
    method: "PUT",
    path: "/api/settings/ai",
    summary:
      "Set the AI provider, model, base URL and API key (teachers, admins); the key is stored encrypted; without apiKey the stored one stays.",
    auth: "bearer",
    body: aiSettingsBodySchema,
    reply: aiSettingsReplySchema,
    status: 200,
  },
  testAiSettings: {
    method: "POST",
    path: "/api/settings/ai/test",
    summary: "Extension: try the saved AI settings with a tiny request (teachers, admins).",
    auth: "bearer",
    reply: aiTestReplySchema,
    status: 200,
  },
  aiAsk: {
    method: "POST",
    path: "/api/sessions/:id/ai/ask",
    summary:
      "A member student asks the AI (a hint, an explanation of their error, a question); the answer streams as server-sent events.",
    auth: "bearer",
    body: aiAskBodySchema,
    produces: "text/event-stream",
    status: 200,
  },
  aiLog: {
    method: "GET",
    path: "/api/sessions/:id/ai/log",
    summary: "Every question to the AI in the session and its answer, oldest first (its teacher, admins).",
    auth: "bearer",
    reply: aiLogReplySchema,
    status: 200,
  },
  aiDigest: {
    method: "POST",
    path: "/api/sessions/:id/ai/digest",
    summary:
      "Extension: the class's current failing runs grouped by cause, with the students in each (its teacher, admins).",
    auth: "bearer",
    reply: aiDigestReplySchema,
    status: 200,
  },
  githubLogin: {
    method: "GET",
    path: "/api/auth/github",
    summary: "Sign in with GitHub: redirects to GitHub's authorization page (with a one-time state).",
    auth: "public",
    status: 302,
  },
  githubLink: {
    method: "POST",
    path: "/api/auth/github/link",
    summary: "Extension: the GitHub authorization URL that links GitHub to the logged-in account.",
    auth: "bearer",
    reply: githubLinkReplySchema,
    status: 200,
  },
  githubCallback: {
    method: "GET",
    path: "/api/auth/github/callback",
    summary:
      "GitHub's redirect back: exchanges the code, logs in (or links, or creates a student account) and redirects to the app; a wrong or reused state is 400.",
    auth: "public",
    query: githubCallbackQuerySchema,
    status: 302,
  },
  githubStatus: {
    method: "GET",
    path: "/api/settings/github",
    summary: "Extension: whether GitHub is set up here and which GitHub account the caller linked.",
    auth: "bearer",
    reply: githubStatusReplySchema,
    status: 200,
  },
  githubUnlink: {
    method: "DELETE",
    path: "/api/settings/github",
    summary: "Extension: unlink the caller's GitHub account; its token is revoked at GitHub and deleted.",
    auth: "bearer",
    status: 204,
  },
  githubSave: {
    method: "POST",
    path: "/api/sessions/:id/github/save",
    summary:
      "A student with a linked GitHub commits their code to their repository (created private when missing).",
    auth: "bearer",
    body: githubSaveBodySchema,
    reply: githubSaveReplySchema,
    status: 200,
  },
  archiveSession: {
    method: "POST",
    path: "/api/sessions/:id/archive",
    summary:
      "The teacher (linked to GitHub) commits every student's code in one commit, a folder per student.",
    auth: "bearer",
    body: archiveBodySchema,
    reply: archiveReplySchema,
    status: 200,
  },
  adminListUsers: {
    method: "GET",
    path: "/api/admin/users",
    summary: "All users (admins).",
    auth: "admin",
    reply: adminUsersReplySchema,
    status: 200,
  },
  adminUpdateUser: {
    method: "PATCH",
    path: "/api/admin/users/:id",
    summary: "Change a user's role or deactivate them (admins; not themselves).",
    auth: "admin",
    body: adminUserUpdateBodySchema,
    reply: adminUserReplySchema,
    status: 200,
  },
  adminListSessions: {
    method: "GET",
    path: "/api/admin/sessions",
    summary: "All sessions (admins).",
    auth: "admin",
    reply: sessionsReplySchema,
    status: 200,
  },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

/** Names of the `:params` in a path such as `/api/sessions/:id/participants/:userId`. */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<Rest>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** The path params of an endpoint, by name. */
export type PathParams<E extends Endpoint> = Record<PathParamNames<E["path"]>, string>;

/** An endpoint's body schema, or never when it takes no body. */
export type BodySchemaOf<E extends Endpoint> = E extends { body: infer B extends z.ZodType } ? B : never;

/** An endpoint's query schema, or never when it reads no query string. */
export type QuerySchemaOf<E extends Endpoint> = E extends { query: infer Q extends z.ZodType } ? Q : never;

/** An endpoint's reply schema, or never when it answers 204 without a body. */
export type ReplySchemaOf<E extends Endpoint> = E extends { reply: infer R extends z.ZodType } ? R : never;
