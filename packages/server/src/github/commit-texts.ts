import { LANGUAGE_INFO, type Language } from "@observer/protocol";
import { slug } from "../export/export-names.ts";

/** The words Observer writes into GitHub: repository names, commit messages, the archive's README. */

/** `2026-12-03 10:15 UTC`. */
export function utcMinute(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A student's repository for a session, by default: `observer-` and the session name's slug. */
export function defaultRepoName(sessionName: string): string {
  return `observer-${slug(sessionName, "session")}`;
}

/** `Save main.py from Observer session “Loops lab” (2026-12-03 10:15 UTC)`. */
export function saveMessage(file: string, sessionName: string, at: Date): string {
  return `Save ${file} from Observer session “${sessionName}” (${utcMinute(at)})`;
}

/** `Archive Observer session “Loops lab”: 30 students (2026-12-03 10:15 UTC)`. */
export function archiveMessage(sessionName: string, students: number, at: Date): string {
  const count = students === 1 ? "1 student" : `${students} students`;
  return `Archive Observer session “${sessionName}”: ${count} (${utcMinute(at)})`;
}

/** One student's line of the archive: their name and where their code is. */
export interface ArchivedStudent {
  name: string;
  path: string;
}

/** Markdown special characters in a name, escaped so that a name cannot add links or markup. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** The archive's README.md: the session, when, and a table of the students with their files. */
export function archiveReadme(
  session: { name: string; language: Language; teacherName: string },
  students: readonly ArchivedStudent[],
  at: Date,
): string {
  const lines = [
    `# ${escapeMarkdown(session.name)}`,
    "",
    `Observer session archived on ${utcMinute(at)}.`,
    "",
    `- Teacher: ${escapeMarkdown(session.teacherName)}`,
    `- Language: ${LANGUAGE_INFO[session.language].label}`,
    `- Students: ${students.length}`,
    "",
    "| Student | Code |",
    "| --- | --- |",
    ...students.map((s) => `| ${escapeMarkdown(s.name)} | [${s.path}](${encodeURI(s.path)}) |`),
    "",
  ];
  return lines.join("\n");
}
