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

export const canJoinSessions = (caller: Caller) => caller.role === "student";
