import { type ReactNode, useEffect, useRef, useState } from "react";
import { Alert } from "../ui/Alert.tsx";
import { Button } from "../ui/Button.tsx";
import { Spinner } from "../ui/Spinner.tsx";
import { RunStatusLine } from "./RunStatusLine.tsx";
import { RunTerminal } from "./RunTerminal.tsx";
import { isRunKey, runShortcutLabel } from "./run-availability.ts";
import type { RunController } from "./run-controller.ts";
import { isLive } from "./run-status.ts";
import { useRunState } from "./useRunController.ts";

const SHORTCUT = runShortcutLabel(typeof navigator === "undefined" ? "" : navigator.platform);

/**
 * A terminal with Run and Stop above it and the run's status: the console of a student's
 * code. Ctrl/Cmd+Enter anywhere on the page runs (Monaco handles it itself, see CodeEditor's
 * `onRun`). With `blocker` set, Run is off and the reason is shown. While a run is live, Run
 * is off and says "Running…" (Stop ends it). When a program started here begins to run, the
 * terminal takes the focus, so typing answers its prompts; Esc there calls `onLeaveTerminal`.
 */
export function RunPanel({
  controller,
  onRun,
  blocker,
  runLabel = "Run",
  label = "Terminal",
  terminalLabel,
  onLeaveTerminal,
  leaveLabel = "back to the code",
  statusAction,
  className = "",
}: {
  controller: RunController;
  onRun: () => void;
  blocker: string | null;
  runLabel?: string;
  /** The panel's accessible name (its visible heading is "Terminal"). */
  label?: string;
  terminalLabel: string;
  /** Esc in the terminal: where the focus goes back to (the editor). */
  onLeaveTerminal?: () => void;
  /** What Esc does, for the hint shown while the terminal has focus. */
  leaveLabel?: string;
  /** Shown under the status line (e.g. "Explain this error" after a failed run). */
  statusAction?: ReactNode;
  className?: string;
}) {
  const state = useRunState(controller);
  const live = isLive(state.status);
  const [terminalFocused, setTerminalFocused] = useState(false);
  const terminalBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = terminalBox.current;
    if (!box) return;
    const inside = () => setTerminalFocused(true);
    const outside = () => setTerminalFocused(false);
    box.addEventListener("focusin", inside);
    box.addEventListener("focusout", outside);
    return () => {
      box.removeEventListener("focusin", inside);
      box.removeEventListener("focusout", outside);
    };
  }, []);
  // The terminal takes the focus once per run, when a run started here starts running.
  const focusFor =
    state.status === "running" && state.runId && controller.startedHere(state.runId) ? state.runId : null;
  const latestRun = useRef(onRun);
  latestRun.current = onRun;
  const blocked = useRef(blocker);
  blocked.current = blocker;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isRunKey(event) || event.defaultPrevented) return;
      if (event.target instanceof Element && event.target.closest(".monaco-editor")) return;
      event.preventDefault();
      if (!blocked.current && !isLive(controller.getSnapshot().status)) latestRun.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [controller]);

  return (
    <section
      aria-label={label}
      className={`flex min-h-0 flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-[#181818] ${className}`}
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-slate-200 bg-slate-50 px-3 py-2 dark:border-slate-800 dark:bg-slate-900">
        <h2 className="sr-only">Terminal</h2>
        <div className="min-w-0 flex-1">
          <RunStatusLine state={state} />
        </div>
        <div className="flex items-center gap-2">
          <Button
            variant="secondary"
            className="px-2.5 py-1.5"
            onClick={() => controller.stop()}
            disabled={!live}
            title="Stop the program"
          >
            <span aria-hidden="true" className="size-2.5 rounded-[2px] bg-current" />
            Stop
          </Button>
          <Button
            className="px-3 py-1.5"
            onClick={() => onRun()}
            disabled={blocker !== null || live}
            title={
              blocker ?? (live ? "The program is running: Stop it to run again" : `${runLabel} (${SHORTCUT})`)
            }
            aria-keyshortcuts="Control+Enter Meta+Enter"
          >
            {live ? (
              <>
                <Spinner className="size-3" />
                Running…
              </>
            ) : (
              <>
                <svg aria-hidden="true" viewBox="0 0 12 12" className="size-3 fill-current">
                  <path d="M2.5 1.3v9.4a.5.5 0 0 0 .77.42l7.2-4.7a.5.5 0 0 0 0-.84l-7.2-4.7a.5.5 0 0 0-.77.42Z" />
                </svg>
                {runLabel}
                <kbd className="hidden rounded bg-white/15 px-1 font-sans text-[11px] font-medium 2xl:inline">
                  {SHORTCUT}
                </kbd>
              </>
            )}
          </Button>
        </div>
        {statusAction && <div className="flex basis-full items-center gap-2">{statusAction}</div>}
      </div>
      {blocker && (
        <p
          data-testid="run-blocker"
          className="border-b border-amber-200 bg-amber-50 px-3 py-1.5 text-xs text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-100"
        >
          {blocker}
        </p>
      )}
      {state.error && (
        <Alert tone="error" className="m-3 mb-0">
          {state.error}
        </Alert>
      )}
      <div ref={terminalBox} className="relative flex min-h-0 flex-1 flex-col">
        <RunTerminal
          controller={controller}
          acceptsInput={live}
          ariaLabel={terminalLabel}
          focusFor={focusFor}
          onEscape={onLeaveTerminal}
          className="flex-1 px-3 py-2"
        />
        {onLeaveTerminal && terminalFocused && (
          <p
            data-testid="terminal-keys-hint"
            className="pointer-events-none absolute right-2 bottom-1.5 z-10 rounded-md border border-slate-200 bg-white/95 px-2 py-0.5 text-xs text-slate-700 shadow-sm dark:border-slate-700 dark:bg-slate-800/95 dark:text-slate-200"
          >
            Esc: {leaveLabel}
          </p>
        )}
      </div>
    </section>
  );
}
