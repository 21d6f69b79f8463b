import { z } from "zod";
import { languageSchema } from "./languages.ts";

/** WebSocket path of the collaboration server (Hocuspocus protocol). */
export const COLLAB_PATH = "/collab";

/** Close codes: Hocuspocus' own for auth, ours for the session channel. */
export const CLOSE_CODES = {
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  tooLarge: 4413,
  malformed: 4400,
} as const;

const UUID_SOURCE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const DOCUMENT_NAME = new RegExp(`^sessions/(${UUID_SOURCE})/students/(${UUID_SOURCE})$`);

/** `sessions/<sessionId>/students/<studentUserId>`: a student's code in a session. */
export function studentDocumentName(sessionId: string, studentId: string): string {
  return `sessions/${sessionId}/students/${studentId}`;
}

/** Parses a document name strictly (lower-case UUIDs, nothing else); null when it is not one. */
export function parseStudentDocumentName(name: string): { sessionId: string; studentId: string } | null {
  const match = DOCUMENT_NAME.exec(name);
  if (!match?.[1] || !match[2]) return null;
  return { sessionId: match[1], studentId: match[2] };
}

/** Names of the shared types inside a student document. */
export const DOC_CODE = "code";
export const DOC_META = "meta";

/** Awareness state each client publishes; the server overwrites `user` with the authenticated identity. */
export const awarenessUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(["teacher", "student", "admin"]),
  color: z.string(),
});
export type AwarenessUser = z.infer<typeof awarenessUserSchema>;

/** What the student workspace shows about the teacher, published in the teacher's awareness. */
export const awarenessActivitySchema = z.enum(["viewing", "typing"]);

export const documentMetaSchema = z.object({ language: languageSchema });
