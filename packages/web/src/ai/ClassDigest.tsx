import type { AiDigestReply } from "@observer/protocol";
import { Link } from "react-router";
import { formatWhen } from "../ui/format.ts";

/** "7 students", "1 student". */
export const studentsText = (count: number) => `${count} ${count === 1 ? "student" : "students"}`;

/**
 * Splits a digest title into text and `code` parts (the AI writes "`IndexError` in the loop
 * over `range(len(xs)+1)`"), rendered as React text, never as HTML.
 */
export function titleParts(title: string): Array<{ text: string; code: boolean }> {
  return title
    .split(/(`[^`]+`)/)
    .filter((part) => part !== "")
    .map((part) =>
      part.length > 2 && part.startsWith("`") && part.endsWith("`")
        ? { text: part.slice(1, -1), code: true }
        : { text: part, code: false },
    );
}

/**
 * The class digest: the class's failing runs in a few groups, each with its students (links
 * to their focus view), or an empty state when nobody's latest run fails.
 */
export function ClassDigest({ sessionId, digest }: { sessionId: string; digest: AiDigestReply }) {
  if (digest.failingStudents === 0) {
    return (
      <p data-testid="ai-digest-empty" className="text-sm text-slate-600 dark:text-slate-400">
        Nobody’s latest run is failing right now.
      </p>
    );
  }
  const grouped = digest.clusters.reduce((sum, cluster) => sum + cluster.students.length, 0);
  return (
    <div className="space-y-3" data-testid="ai-digest">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {studentsText(digest.failingStudents)} with a failing run, as of {formatWhen(digest.at)}
        {grouped < digest.failingStudents &&
          `; ${studentsText(digest.failingStudents - grouped)} in no group`}
        .
      </p>
      {digest.clusters.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No common cause was found.</p>
      ) : (
        <ol className="space-y-3">
          {digest.clusters.map((cluster) => (
            <li
              key={`${cluster.title}:${cluster.students.map((s) => s.userId).join(",")}`}
              data-testid="ai-digest-cluster"
              className="rounded-lg border border-slate-200 bg-slate-50 p-3 dark:border-slate-700 dark:bg-slate-950/50"
            >
              <p className="text-sm font-semibold text-slate-900 dark:text-white">
                <span className="mr-1.5 rounded-md bg-rose-100 px-1.5 py-0.5 text-xs text-rose-900 dark:bg-rose-950 dark:text-rose-100">
                  {studentsText(cluster.students.length)}
                </span>
                {titleParts(cluster.title).map((part, i) =>
                  part.code ? (
                    // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed title.
                    <code key={i} className="rounded bg-white px-1 font-mono text-[0.9em] dark:bg-slate-800">
                      {part.text}
                    </code>
                  ) : (
                    part.text
                  ),
                )}
              </p>
              {cluster.explanation && (
                <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{cluster.explanation}</p>
              )}
              <ul aria-label={`Students: ${cluster.title}`} className="mt-2 flex flex-wrap gap-1.5">
                {cluster.students.map((student) => (
                  <li key={student.userId}>
                    <Link
                      to={`/sessions/${sessionId}/students/${student.userId}`}
                      className="inline-flex rounded-full border border-slate-300 bg-white px-2.5 py-0.5 text-sm font-medium text-indigo-700 hover:border-indigo-400 hover:bg-indigo-50 dark:border-slate-600 dark:bg-slate-900 dark:text-indigo-300 dark:hover:bg-slate-800"
                    >
                      {student.name}
                    </Link>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
