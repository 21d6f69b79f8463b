import type { Role } from "@observer/protocol";
import type { SessionRow } from "../storage/schema.ts";

/**
 * Who may do what: the one home of the rules. Pure functions over the caller and the resource;
 * HTTP routes, the collaboration server, the session channel and the run terminal all ask here.
 * The caller's role is the one read from the database for this request or re-check, so a
 * demoted teacher loses what the role gave at once.
 */
type Caller = { id: string; role: Role };
type SessionOwner = Pick<SessionRow, "teacher_id">;

export const canTeach = (caller: Caller) => caller.role === "teacher" || caller.role === "admin";

export const isAdmin = (caller: Caller) => caller.role === "admin";

/** The session's own teacher, still in a teaching role (a teacher demoted to student is not). */
export const teachesSession = (caller: Caller, session: SessionOwner) =>
  canTeach(caller) && session.teacher_id === caller.id;

/**
 * The session teacher's rights on this session: manage it and observe everything in it (the
 * roster on the channel, every student's document, terminal and runs). Its own teacher (still
 * a teacher) has them, and so has an admin on every session: a school admin oversees all classes.
 */
export const canManageSession = (caller: Caller, session: SessionOwner) =>
  teachesSession(caller, session) || isAdmin(caller);

/**
 * How a caller may open a student's document of a session: as its student ("own"), as whoever
 * manages the session ("observe"), or not at all (null). Whether the student is a participant
 * is a fact of the database the caller checks as well.
 */
export function documentAccess(
  caller: Caller,
  session: SessionOwner,
  studentId: string,
): "own" | "observe" | null {
  if (caller.id === studentId) return "own";
  return canManageSession(caller, session) ? "observe" : null;
}

/**
 * How a caller may open a session's broadcast document (the code its teacher shows the class):
 * whoever manages the session writes it; a member student only reads it, and reads it whether
 * the session's `broadcast` control is on or off (the contract makes members readers; the web
 * shows the panel only while it is on, so turning it on needs no reconnection); nobody else
 * opens it. Membership is a fact of the database the caller checks as well.
 */
export function broadcastAccess(
  caller: Caller,
  session: SessionOwner,
  isMember: boolean,
): "write" | "read" | null {
  if (canManageSession(caller, session)) return "write";
  return isMember ? "read" : null;
}

export const canJoinSessions = (caller: Caller) => caller.role === "student";

/**
 * The help queue. A member student raises their own hand; whoever manages the session helps
 * instead of raising one. Membership is a fact of the database the caller checks as well.
 */
export const canRaiseHand = (caller: Caller, session: SessionOwner) => !canManageSession(caller, session);

/** Claiming a hand (being the one helping) is the session teacher's right. */
export const canClaimHand = (caller: Caller, session: SessionOwner) => canManageSession(caller, session);

/**
 * Seeing a hand, and resolving it: whoever manages the session, and the hand's own student
 * (who lowers it). Another student's hand is hidden from a student.
 */
export const canResolveHand = (caller: Caller, session: SessionOwner, hand: { user_id: string }) =>
  canManageSession(caller, session) || hand.user_id === caller.id;

/**
 * Whether a document connection takes edits under the class controls: a student's own
 * connection not while the teacher locked editing; whoever manages the session always.
 */
export const mayEditUnderControls = (access: "own" | "observe", editing: SessionRow["editing"]) =>
  access === "observe" || editing === "open";

/**
 * Why the class controls refuse a run (null: they allow it). They bind the session's students
 * only, not whoever manages it: running denied, or the language locked and the run in another.
 */
export function runRefusal(
  manage: boolean,
  session: Pick<SessionRow, "running" | "language_locked" | "language">,
  language: string,
): "runs_disabled" | "language_locked" | null {
  if (manage) return null;
  if (session.running === "denied") return "runs_disabled";
  if (session.language_locked && language !== session.language) return "language_locked";
  return null;
}
