import { CopyButton } from "./CopyButton.tsx";

/** The link a student opens to join: `${origin}/join/CODE`. */
export function joinLink(code: string): string {
  return `${window.location.origin}/join/${encodeURIComponent(code)}`;
}

/**
 * The join code as a class reads it off the projector: very large, monospace and
 * letter-spaced, with copy buttons for the code and for the join link.
 */
export function JoinCodePanel({ code, compact = false }: { code: string; compact?: boolean }) {
  const link = joinLink(code);
  return (
    <div className="space-y-4">
      <div>
        <p className="text-sm font-medium uppercase tracking-wider text-slate-500 dark:text-slate-400">
          Join code
        </p>
        <p
          data-testid="join-code"
          className={`mt-2 inline-block rounded-xl bg-indigo-50 py-2 pr-2 pl-4 font-mono leading-none font-bold tracking-[0.2em] text-indigo-700 select-all sm:py-4 sm:pl-6 dark:bg-indigo-950/60 dark:text-indigo-200 ${
            compact ? "text-5xl sm:text-6xl" : "text-[3.25rem] sm:text-8xl"
          }`}
        >
          {code}
        </p>
      </div>
      <div className="flex flex-wrap gap-2">
        <CopyButton text={code} label="Copy join code" />
        <CopyButton text={link} label="Copy join link" />
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Students go to{" "}
        <a
          href={link}
          className="break-all font-mono font-medium text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-600 dark:text-indigo-300 dark:decoration-indigo-700"
        >
          {link}
        </a>{" "}
        or enter the code on their home page.
      </p>
    </div>
  );
}
