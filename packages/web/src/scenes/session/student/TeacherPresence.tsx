import type { Peer } from "../../../editor/usePeers.ts";

/**
 * "<Teacher> is viewing your code" / "<Teacher> is typing…" while the teacher has this
 * student's editor open (their awareness carries an activity); nothing otherwise.
 */
export function TeacherPresence({ peers, teacherId }: { peers: readonly Peer[]; teacherId: string }) {
  const teacher =
    peers.find((p) => p.user.id === teacherId && p.activity) ??
    peers.find((p) => p.user.role !== "student" && p.activity);
  return (
    <span role="status" data-testid="teacher-presence" className="text-sm">
      {teacher && (
        <span className="inline-flex items-center gap-2 rounded-full bg-indigo-50 px-3 py-1 font-medium text-indigo-800 ring-1 ring-indigo-600/20 ring-inset dark:bg-indigo-950/60 dark:text-indigo-100 dark:ring-indigo-400/30">
          <span
            className={`size-2.5 rounded-full ${teacher.activity === "typing" ? "animate-pulse" : ""}`}
            style={{ backgroundColor: teacher.user.color }}
            aria-hidden="true"
          />
          {teacher.activity === "typing"
            ? `${teacher.user.name} is typing…`
            : `${teacher.user.name} is viewing your code`}
        </span>
      )}
    </span>
  );
}
