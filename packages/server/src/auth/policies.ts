import type { Role } from "@observer/protocol";
import type { SessionRow } from "../storage/schema.ts";

/**
 * Who may do what. Pure functions over the caller and the resource; routes and sockets share
 * them. The caller's role is the one read from the database for this request or re-check, so a
 * demoted teacher loses what the role gave at once.
 */
type Caller = { id: string; role: Role };

export const canTeach = (caller: Caller) => caller.role === "teacher" || caller.role === "admin";

export const isAdmin = (caller: Caller) => caller.role === "admin";

/** The session's own teacher, still in a teaching role (a teacher demoted to student is not). */
export const teachesSession = (caller: Caller, session: Pick<SessionRow, "teacher_id">) =>
  canTeach(caller) && session.teacher_id === caller.id;

/** The session's own teacher (still a teacher), or an admin (admins oversee every session). */
export const canManageSession = (caller: Caller, session: Pick<SessionRow, "teacher_id">) =>
  teachesSession(caller, session) || isAdmin(caller);

/** Teacher, admin, or a student who joined it. */
export const canViewSession = (caller: Caller, session: Pick<SessionRow, "teacher_id">, isMember: boolean) =>
  canManageSession(caller, session) || isMember;

export const canJoinSessions = (caller: Caller) => caller.role === "student";
