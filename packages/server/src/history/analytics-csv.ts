import { csvLine } from "../export/csv.ts";
import type { Db } from "../storage/database.ts";
import { studentFigures } from "./analytics.ts";

/** The columns of analytics.csv, in order: the fields of a student's analytics. */
export const ANALYTICS_CSV_HEADER = [
  "user_id",
  "name",
  "edits",
  "characters_typed",
  "pastes",
  "characters_pasted",
  "runs",
  "failed_runs",
  "hands",
  "active_minutes",
  "first_success_at",
  "minutes_to_first_success",
] as const;

/** `GET .../analytics.csv`: a line per student of the session's analytics. */
export async function analyticsCsv(db: Db, sessionId: string): Promise<string> {
  const students = await studentFigures(db, sessionId);
  let csv = csvLine(ANALYTICS_CSV_HEADER);
  for (const s of students) {
    csv += csvLine([
      s.userId,
      s.name,
      s.edits,
      s.charactersTyped,
      s.pastes,
      s.charactersPasted,
      s.runs,
      s.failedRuns,
      s.hands,
      s.activeMinutes,
      s.firstSuccessAt,
      s.minutesToFirstSuccess,
    ]);
  }
  return csv;
}
