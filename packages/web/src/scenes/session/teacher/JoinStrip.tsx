import type { Session } from "@observer/protocol";
import { CopyButton } from "../../../ui/CopyButton.tsx";
import { joinLink } from "../../../ui/JoinCodePanel.tsx";

/** The join code in one line above the dashboard, with copy buttons (the big panel is for an empty class). */
export function JoinStrip({ session }: { session: Session }) {
  const active = session.status === "active";
  return (
    <section
      aria-label="Join code"
      className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-xl border border-slate-200 bg-white px-4 py-2.5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <span className="text-xs font-medium tracking-wider text-slate-500 uppercase dark:text-slate-400">
        Join code
      </span>
      <span
        data-testid="join-code"
        className={`font-mono text-2xl leading-none font-bold tracking-[0.2em] select-all ${
          active ? "text-indigo-700 dark:text-indigo-200" : "text-slate-400 dark:text-slate-500"
        }`}
      >
        {session.joinCode}
      </span>
      {active ? (
        <>
          <div className="flex flex-wrap gap-2">
            <CopyButton text={session.joinCode} label="Copy join code" className="px-3 py-1.5" />
            <CopyButton text={joinLink(session.joinCode)} label="Copy join link" className="px-3 py-1.5" />
          </div>
          <a
            href={joinLink(session.joinCode)}
            className="truncate font-mono text-sm text-slate-600 underline decoration-slate-300 underline-offset-2 max-md:hidden dark:text-slate-400 dark:decoration-slate-600"
          >
            {joinLink(session.joinCode)}
          </a>
        </>
      ) : (
        <span className="text-sm text-slate-500 dark:text-slate-400">Closed: the session has ended.</span>
      )}
    </section>
  );
}
