import type { Session } from "@observer/protocol";
import { SessionHeading } from "./SessionHeading.tsx";

/** A student's session page; the editor and console arrive here in later work. */
export function StudentSessionView({ session }: { session: Session }) {
  return (
    <>
      <SessionHeading
        session={session}
        details={
          <>
            Teacher:{" "}
            <span className="font-medium text-slate-800 dark:text-slate-200">{session.teacherName}</span>
          </>
        }
      />
      <section
        aria-label="Editor"
        className="flex min-h-[45vh] items-center justify-center rounded-xl border-2 border-dashed border-slate-300 bg-white/50 p-8 text-center dark:border-slate-700 dark:bg-slate-900/50"
      >
        <p className="text-slate-500 dark:text-slate-400">Your editor will appear here.</p>
      </section>
    </>
  );
}
