import { type Language, runFailure, studentDocumentName } from "@observer/protocol";
import { studentCodeOf } from "../collab/document-code.ts";
import { outcomeOfRow } from "../runs/run-outcome.ts";
import type { Db } from "../storage/database.ts";
import { loadDocument } from "../storage/documents.ts";
import { latestRunsOfSession } from "../storage/runs.ts";

/** How much of the last run's output goes to the provider (its end: where the error is). */
export const OUTPUT_TAIL_CHARS = 3000;
/** How much of the code goes to the provider at most. */
export const CODE_CHARS = 20_000;

/** What the server adds to a student's question: their code as saved, its language, their last run. */
export interface StudentContext {
  code: string;
  language: Language;
  lastRun: {
    exitCode: number | null;
    /** The kind of failure (runFailure), or null when it did not fail. */
    failure: string | null;
    /** The end of its output, without terminal escapes. */
    output: string;
  } | null;
}

/** Terminal output as text: escape sequences and carriage returns out. */
export function plainOutput(output: string): string {
  return output
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*(\x07|\x1b\\)|\x1b[@-Z\\-_]/g, "")
    .replace(/\r\n?/g, "\n");
}

/**
 * One student's code (as last saved: the editor saves about a second after typing stops),
 * its language and their latest run's outcome and output tail. Only this student's: nothing
 * of another student ever goes into their prompt.
 */
export async function studentContext(
  db: Db,
  session: { id: string; language: Language; starter_code: string },
  studentId: string,
): Promise<StudentContext> {
  const [stored, runs] = await Promise.all([
    loadDocument(db, studentDocumentName(session.id, studentId)),
    latestRunsOfSession(db, session.id, { userId: studentId, outputChars: 2 * OUTPUT_TAIL_CHARS }),
  ]);
  const { code, language } = studentCodeOf(stored?.state, session);
  const run = runs[0];
  return {
    code: code.slice(0, CODE_CHARS),
    language,
    lastRun: run
      ? {
          exitCode: run.exit_code,
          failure: runFailure({ ...outcomeOfRow(run), status: run.status }),
          output: plainOutput(run.output).slice(-OUTPUT_TAIL_CHARS),
        }
      : null,
  };
}
