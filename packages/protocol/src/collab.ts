import { z } from "zod";
import { isUuid } from "./ids.ts";
import { LIMITS } from "./limits.ts";

/** WebSocket path of the collaboration server (Hocuspocus protocol). */
export const COLLAB_PATH = "/collab";

/** `sessions/<sessionId>/students/<studentUserId>`: a student's code in a session. */
export function studentDocumentName(sessionId: string, studentId: string): string {
  return `sessions/${sessionId}/students/${studentId}`;
}

/** A UUID as the server writes them: lower case only, so one document has one name. */
const isLowerUuid = (value: string) => isUuid(value) && value === value.toLowerCase();

/** Parses a document name strictly (lower-case UUIDs, nothing else); null when it is not one. */
export function parseStudentDocumentName(name: string): { sessionId: string; studentId: string } | null {
  const [sessions, sessionId, students, studentId, ...rest] = name.split("/");
  if (sessions !== "sessions" || students !== "students" || rest.length > 0) return null;
  if (!sessionId || !studentId || !isLowerUuid(sessionId) || !isLowerUuid(studentId)) return null;
  return { sessionId, studentId };
}

/** `sessions/<sessionId>/broadcast`: the code the session's teacher shows the class. */
export function broadcastDocumentName(sessionId: string): string {
  return `sessions/${sessionId}/broadcast`;
}

/** What a document name addresses: a student's code, or the session's broadcast. */
export type DocumentAddress =
  | { kind: "student"; sessionId: string; studentId: string }
  | { kind: "broadcast"; sessionId: string };

/** Parses any document name strictly (see parseStudentDocumentName); null when it is none. */
export function parseDocumentName(name: string): DocumentAddress | null {
  const student = parseStudentDocumentName(name);
  if (student) return { kind: "student", ...student };
  const [sessions, sessionId, broadcast, ...rest] = name.split("/");
  if (sessions !== "sessions" || broadcast !== "broadcast" || rest.length > 0) return null;
  if (!sessionId || !isLowerUuid(sessionId)) return null;
  return { kind: "broadcast", sessionId };
}

/** Names of the shared types inside a document (a student's and the broadcast alike). */
export const DOC_CODE = "code";
export const DOC_META = "meta";

/** Awareness state each client publishes; the server overwrites `user` with the authenticated identity. */
export const awarenessUserSchema = z.object({
  id: z.string().max(64),
  // Names are at most LIMITS.nameChars code points; a code point is at most two UTF-16 units.
  name: z.string().max(2 * LIMITS.nameChars),
  role: z.enum(["teacher", "student", "admin"]),
  color: z.string().regex(/^#[0-9a-f]{6}$/i),
});
export type AwarenessUser = z.infer<typeof awarenessUserSchema>;

/** What the student workspace shows about the teacher, published in the teacher's awareness. */
export const awarenessActivitySchema = z.enum(["viewing", "typing"]);

/** Awareness limits per document connection (a client publishes one state under one client id). */
export const AWARENESS_LIMITS = {
  /** Largest awareness message, in bytes (a real state is a few hundred). */
  maxMessageBytes: 8 * 1024,
  /** Distinct client ids one connection may publish states for. */
  maxClientIds: 3,
  /** Sustained awareness (and awareness query) messages per second, and the burst allowed. */
  messagesPerSecond: 50,
  burst: 100,
} as const;

/** A Yjs ID (`{client, clock}`): a uint32 client id and a non-negative clock. */
const yjsIdSchema = z.strictObject({
  client: z.number().int().min(0).max(0xffffffff),
  clock: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

/**
 * A Yjs RelativePosition as JSON, as y-monaco publishes it for the document's root `Y.Text`
 * (`Y.createRelativePositionFromTypeIndex` on "code"): the type by its root name, and the item
 * the position is before (null: the end of the text). Nothing else can resolve into the code.
 */
export const relativePositionSchema = z.strictObject({
  type: z.null(),
  tname: z.literal(DOC_CODE),
  item: yjsIdSchema.nullable(),
  assoc: z.number().int().min(-1).max(1),
});

/** A remote selection as y-monaco publishes it. */
export const awarenessSelectionSchema = z.strictObject({
  anchor: relativePositionSchema,
  head: relativePositionSchema,
});

/**
 * One client's whole awareness state. Unknown fields are stripped; a state that does not parse
 * is dropped by the server, and ignored by the web's cursor rendering.
 */
export const awarenessStateSchema = z.object({
  user: awarenessUserSchema.optional(),
  activity: awarenessActivitySchema.optional(),
  selection: awarenessSelectionSchema.nullable().optional(),
});
export type AwarenessState = z.infer<typeof awarenessStateSchema>;

/**
 * A stateless message the server sends on a student document (Hocuspocus' stateless channel):
 * `storage_quota` when the student's storage for the session is full (sent at most once a
 * minute; their code is still saved, only its history and old run output get coarser).
 */
export const storageNoticeSchema = z.object({
  type: z.literal("storage_quota"),
  message: z.string(),
});
export type StorageNotice = z.infer<typeof storageNoticeSchema>;

/**
 * A stateless message the server sends on a student document when it refused the student's
 * change because the teacher locked editing (once per lock and connection): the change exists
 * only on the student's side until editing is open again.
 */
export const editingLockedNoticeSchema = z.object({
  type: z.literal("editing_locked"),
  message: z.string(),
});
export type EditingLockedNotice = z.infer<typeof editingLockedNoticeSchema>;
