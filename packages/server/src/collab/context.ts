import type { EditingMode, Role } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";

/** What the authentication extension learns about a document connection; later hooks read it. */
export interface CollabContext {
  user: { id: string; name: string; role: Role };
  sessionId: string;
  studentId: string;
  /** True when the connection is the session's teacher (not the student). */
  asTeacher: boolean;
  /** The login the connection came with, re-checked when the user's rights shrink. */
  actor: Actor;
  /** When its rights were read (Date.now() ms): a revocation heard since makes it re-check. */
  checkedAt: number;
  /** The session's editing when its rights were read (extensions/editing-lock.ts follows changes). */
  editing: EditingMode;
  /** Read-only whatever the controls: the session ended (past its grace period). */
  sessionReadOnly: boolean;
}

/** A refusal Hocuspocus understands: the code and reason reach the client. */
export interface CloseReason {
  code: number;
  reason: string;
}
