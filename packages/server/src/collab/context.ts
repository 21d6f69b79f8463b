import type { DocumentAddress, EditingMode, Role } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";

/** What the authentication extension learns about a document connection; later hooks read it. */
export interface CollabContext {
  user: { id: string; name: string; role: Role };
  sessionId: string;
  /** Which document: a student's, or the session's broadcast (the class controls do not bind it). */
  kind: DocumentAddress["kind"];
  /** The student whose document it is; null for the broadcast (nobody's: the teacher writes it). */
  studentId: string | null;
  /**
   * True when the connection is whoever manages the session (its teacher, an admin), not a
   * student: on a student's document it observes; on the broadcast it is the only one to write.
   */
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
