import type { Role } from "@observer/protocol";

/** What the authentication extension learns about a document connection; later hooks read it. */
export interface CollabContext {
  user: { id: string; name: string; role: Role };
  sessionId: string;
  studentId: string;
  /** True when the connection is the session's teacher (not the student). */
  asTeacher: boolean;
}

/** A refusal Hocuspocus understands: the code and reason reach the client. */
export interface CloseReason {
  code: number;
  reason: string;
}
