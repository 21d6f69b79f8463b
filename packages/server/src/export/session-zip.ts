import { Readable } from "node:stream";
import { broadcastDocumentName, LANGUAGE_INFO, studentDocumentName } from "@observer/protocol";
import { documentCode, studentCodeOf } from "../collab/document-code.ts";
import { type ExchangesCursor, exchangesPage } from "../storage/ai-exchanges.ts";
import type { Db } from "../storage/database.ts";
import {
  documentStates,
  type RunsCursor,
  runOutput,
  runsOfStudents,
  runsPage,
} from "../storage/export-reads.ts";
import type { SessionRow } from "../storage/schema.ts";
import { type CsvValue, csvLine, toCsv } from "./csv.ts";
import { codeFileName, runFailed, runFileName, studentFolder } from "./export-names.ts";
import { ZipWriter } from "./zip-writer.ts";

/** A student of the export, as listParticipants gives them. */
export interface ExportStudent {
  user_id: string;
  name: string;
  email: string;
  joined_at: Date;
}

/** Students whose documents and runs are read at once; the next batch waits for the zip. */
const STUDENT_BATCH = 20;
/** Rows of runs.csv (and ai-log.csv) read at once. */
const RUNS_PAGE = 500;

export const STUDENTS_CSV_HEADER = [
  "user_id",
  "name",
  "email",
  "joined_at",
  "language",
  "code_file",
  "lines",
  "characters",
  "runs",
  "failed_runs",
] as const;

export const RUNS_CSV_HEADER = [
  "run_id",
  "user_id",
  "name",
  "language",
  "status",
  "exit_code",
  "signal",
  "timed_out",
  "killed_for",
  "output_truncated",
  "duration_ms",
  "queued_at",
  "finished_at",
  "started_by",
] as const;

/** ai-log.csv: every question a student asked the AI and its answer, oldest first. */
export const AI_LOG_CSV_HEADER = [
  "exchange_id",
  "user_id",
  "name",
  "kind",
  "mode",
  "message",
  "answer",
  "status",
  "error",
  "cut",
  "asked_at",
  "finished_at",
] as const;

/**
 * A session's export as a zip stream (layout in docs/API.md, "Export"): a folder per student
 * with their code and their runs' output, and at the root README.txt, students.csv, runs.csv
 * and the teacher's broadcast. With `only`, that one student's folder alone, runs.csv in it.
 *
 * Streams: documents are read and decoded a batch of students at a time, a run's output
 * only when the zip reaches its file, runs.csv a page at a time.
 */
export function sessionZip(
  db: Db,
  session: Pick<SessionRow, "id" | "name" | "language" | "starter_code"> & { teacher_name?: string },
  students: readonly ExportStudent[],
  options: { only?: ExportStudent } = {},
): Readable {
  const zip = new ZipWriter();
  writeExport(db, zip, session, students, options.only ?? null).then(
    () => zip.end(),
    (err: unknown) => zip.fail(err instanceof Error ? err : new Error(String(err))),
  );
  return zip.stream;
}

async function writeExport(
  db: Db,
  zip: ZipWriter,
  session: Parameters<typeof sessionZip>[1],
  students: readonly ExportStudent[],
  only: ExportStudent | null,
): Promise<void> {
  const exportedAt = new Date();
  const list = only ? [only] : students;
  if (!only) {
    void zip.addFile("README.txt", () => readme(session, list.length, exportedAt));
    const broadcast = (await documentStates(db, [broadcastDocumentName(session.id)])).values().next().value;
    if (broadcast) {
      const { code, language } = documentCode(broadcast, session.language);
      void zip.addFile(`broadcast/${codeFileName(language, code)}`, () => code);
    }
  }
  const summaries: CsvValue[][] = [];
  for (let start = 0; start < list.length && !zip.closed; start += STUDENT_BATCH) {
    const batch = list.slice(start, start + STUDENT_BATCH);
    const names = batch.map((s) => studentDocumentName(session.id, s.user_id));
    const [states, runs] = await Promise.all([
      documentStates(db, names),
      runsOfStudents(
        db,
        session.id,
        batch.map((s) => s.user_id),
      ),
    ]);
    let batchStarted: Promise<void> | null = null;
    for (const [i, student] of batch.entries()) {
      // A student who never opened their code has the starter code they would have got.
      const { code, language } = studentCodeOf(states.get(names[i] as string), session);
      const folder = studentFolder(student);
      const codeFile = codeFileName(language, code);
      const written = zip.addFile(`${folder}/${codeFile}`, () => code);
      batchStarted ??= written;
      const own = runs.filter((run) => run.user_id === student.user_id);
      for (const [index, run] of own.entries()) {
        void zip.addFile(`${folder}/runs/${runFileName(index, run)}`, () => runOutput(db, run.id));
      }
      if (only) void zip.addFile(`${folder}/runs.csv`, () => runsCsv(db, session.id, student.user_id));
      summaries.push([
        student.user_id,
        student.name,
        student.email,
        student.joined_at,
        language,
        codeFile,
        code === "" ? 0 : code.split("\n").length,
        characters(code),
        own.length,
        own.filter(runFailed).length,
      ]);
    }
    // The zip reached this batch: the one before is written; only now read the next.
    await batchStarted;
  }
  if (only || zip.closed) return;
  void zip.addFile("students.csv", () => toCsv(STUDENTS_CSV_HEADER, summaries));
  void zip.addFile("runs.csv", () => runsCsv(db, session.id));
  void zip.addFile("ai-log.csv", () => aiLogCsv(db, session.id));
}

/** Characters as a person counts them: code points, not UTF-16 units. */
function characters(code: string): number {
  let surrogatePairs = 0;
  for (const _ of code.matchAll(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)) surrogatePairs += 1;
  return code.length - surrogatePairs;
}

/**
 * A CSV file read a page at a time as the zip takes it: the header, then each page's rows
 * (`page(after)` gives the rows after a cursor and the next cursor, null at the end).
 */
function pagedCsv<Row, Cursor>(
  header: readonly string[],
  page: (after: Cursor | null) => Promise<{ rows: Row[]; next: Cursor | null }>,
  cells: (row: Row) => CsvValue[],
): Readable {
  async function* lines() {
    yield csvLine(header);
    let after: Cursor | null = null;
    do {
      const { rows, next } = await page(after);
      yield rows.map((row) => csvLine(cells(row))).join("");
      after = next;
    } while (after);
  }
  return Readable.from(lines(), { objectMode: false });
}

/** runs.csv of a session (one student's with `userId`), oldest first. */
function runsCsv(db: Db, sessionId: string, userId?: string): Readable {
  return pagedCsv(
    RUNS_CSV_HEADER,
    (after: RunsCursor | null) => runsPage(db, sessionId, { userId, after, limit: RUNS_PAGE }),
    (run) => [
      run.id,
      run.user_id,
      run.name,
      run.language,
      run.status,
      run.exit_code,
      run.signal,
      run.timed_out,
      run.killed_for,
      run.output_truncated,
      run.duration_ms,
      run.queued_at,
      run.finished_at,
      run.started_by,
    ],
  );
}

/** ai-log.csv: every question a student asked the AI and its answer, oldest first. */
function aiLogCsv(db: Db, sessionId: string): Readable {
  return pagedCsv(
    AI_LOG_CSV_HEADER,
    (after: ExchangesCursor | null) => exchangesPage(db, sessionId, { after, limit: RUNS_PAGE }),
    (x) => [
      x.id,
      x.user_id,
      x.name,
      x.kind,
      x.mode,
      x.message,
      x.answer,
      x.status,
      x.error,
      x.cut,
      x.asked_at,
      x.finished_at,
    ],
  );
}

function readme(session: Parameters<typeof sessionZip>[1], studentCount: number, exportedAt: Date): string {
  return [
    `Observer export of the session "${session.name}"`,
    ...(session.teacher_name ? [`Teacher: ${session.teacher_name}`] : []),
    `Language: ${LANGUAGE_INFO[session.language].label}`,
    `Students: ${studentCount}`,
    `Exported at: ${exportedAt.toISOString()}`,
    "",
    "Layout:",
    "  README.txt            this file",
    "  students.csv          one row per student: code file, lines, characters, runs, failed runs",
    "  runs.csv              one row per run of the session, oldest first",
    "  ai-log.csv            every question a student asked the AI and its answer, oldest first",
    "  broadcast/<file>      the code the teacher showed the class (when there was any)",
    "  <name>-<id>/          a folder per student (their name and the start of their user id)",
    "    main.py | main.js | main.c | main.cpp | <PublicClass>.java   their code as last saved",
    "    runs/NNN-<queued at>-<outcome>.txt                           each run's output, in order",
    "",
    "CSV files are RFC 4180 (UTF-8, CRLF); cells that would start a spreadsheet formula begin with '.",
    "",
  ].join("\r\n");
}
