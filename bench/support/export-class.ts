import { randomUUID } from "node:crypto";
import { type Session, studentDocumentName } from "@observer/protocol";
import * as Y from "yjs";
import type { TestServer } from "../../packages/server/test/support.ts";

const toBytes = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** Runs per student in a two-hour lab (one every 2 minutes), and the output each printed. */
const RUNS = 60;
const OUTPUT = 'Traceback (most recent call last):\n  File "main.py", line 3\nZeroDivisionError\n'.repeat(4);

/**
 * `students` students of a finished two-hour lab, written straight into the database (accounts
 * with no usable password, as the export never logs them in): each with about 25 000 characters
 * of code (what 2 hours at 5 characters a second leave) and 60 runs with their output.
 */
export async function writeExportClass(
  server: TestServer,
  session: Session,
  students: number,
): Promise<void> {
  const db = server.ctx.db;
  const line = "total = sum(v * 2 for v in values if v % 3 == 0)  # keep going\n";
  for (let s = 0; s < students; s++) {
    const id = randomUUID();
    await db
      .insertInto("users")
      .values({
        id,
        email: `export-${session.id.slice(0, 8)}-${s}@example.org`,
        name: `Student ${String(s).padStart(3, "0")}`,
        role: "student",
        password_hash: "!",
      })
      .execute();
    await db.insertInto("participants").values({ session_id: session.id, user_id: id }).execute();
    const doc = new Y.Doc();
    doc.getMap("meta").set("language", "python");
    doc.getText("code").insert(0, `# student ${s}\n${line.repeat(Math.ceil(25_000 / line.length))}`);
    await db
      .insertInto("documents")
      .values({
        name: studentDocumentName(session.id, id),
        session_id: session.id,
        student_id: id,
        state: toBytes(Y.encodeStateAsUpdate(doc)),
      })
      .execute();
    doc.destroy();
    const runs = Array.from({ length: RUNS }, (_, i) => ({
      id: randomUUID(),
      session_id: session.id,
      user_id: id,
      started_by: id,
      language: "python" as const,
      code_hash: "0".repeat(64),
      status: "finished" as const,
      started_at: new Date(),
      finished_at: new Date(),
      duration_ms: 40,
      exit_code: i % 3 === 0 ? 1 : 0,
      signal: null,
      killed_for: null,
      phase: "run" as const,
      output: OUTPUT,
    }));
    await db.insertInto("runs").values(runs).execute();
  }
}
