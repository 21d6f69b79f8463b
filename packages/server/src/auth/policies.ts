import type { Role } from "@observer/protocol";
import type { SessionRow } from "../storage/schema.ts";

/** Who may do what. Pure functions over the caller and the resource; routes and sockets share them. */
type Caller = { id: string; role: Role };

export const canTeach = (caller: Caller) => caller.role === "teacher" || caller.role === "admin";

export const isAdmin = (caller: Caller) => caller.role === "admin";

/** The session's own teacher (admins oversee every session). */
export const canManageSession = (caller: Caller, session: Pick<SessionRow, "teacher_id">) =>
  session.teacher_id === caller.id || isAdmin(caller);

/** Teacher, admin, or a student who joined it. */
export const canViewSession = (caller: Caller, session: Pick<SessionRow, "teacher_id">, isMember: boolean) =>
  canManageSession(caller, session) || isMember;

export const canJoinSessions = (caller: Caller) => caller.role === "student";
