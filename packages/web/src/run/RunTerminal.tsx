import { useEffect, useRef } from "react";
import { isRunKey } from "./run-availability.ts";
import type { RunController } from "./run-controller.ts";
import { XtermView } from "./xterm-view.ts";

/** Keys the terminal leaves to the page: Run, Tab (moves focus on, no trap) and Esc (back to the code). */
const passKey = (event: KeyboardEvent) =>
  isRunKey(event) || event.key === "Tab" || (event.key === "Escape" && !event.ctrlKey && !event.altKey);

/**
 * The xterm.js terminal of a RunController: shows its run's output (all of it, also when
 * mounted late), sends what is typed to the program while it runs, follows the size of its
 * box and the app's theme. Ctrl/Cmd+Enter is left to the page (Run), Tab moves focus on, Esc
 * calls `onEscape` (back to the editor). Takes the focus when `focusFor` changes to a run id.
 */
export function RunTerminal({
  controller,
  acceptsInput,
  ariaLabel,
  focusFor = null,
  onEscape,
  className = "",
}: {
  controller: RunController;
  /** The program is live: keys go to it and the cursor blinks. */
  acceptsInput: boolean;
  ariaLabel: string;
  /** The run for which the terminal takes the focus (once per id). */
  focusFor?: string | null;
  onEscape?: () => void;
  className?: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const view = useRef<XtermView | null>(null);
  const label = useRef(ariaLabel);
  label.current = ariaLabel;
  const leave = useRef(onEscape);
  leave.current = onEscape;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const created = new XtermView(element, {
      onData: (data) => controller.stdin(data),
      onResize: (cols, rows) => controller.resize(cols, rows),
      passKey,
      ariaLabel: label.current,
    });
    view.current = created;
    controller.setSink(created);
    // xterm leaves Esc to the page (passKey): it goes back to the code.
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || !passKey(event) || !leave.current) return;
      event.preventDefault();
      leave.current();
    };
    element.addEventListener("keydown", onKey);
    return () => {
      element.removeEventListener("keydown", onKey);
      controller.setSink(null);
      view.current = null;
      created.dispose();
    };
  }, [controller]);

  useEffect(() => view.current?.setInputEnabled(acceptsInput), [acceptsInput]);
  useEffect(() => {
    if (focusFor) view.current?.focus();
  }, [focusFor]);

  return (
    <div
      ref={container}
      data-testid="run-terminal"
      className={`min-h-0 overflow-hidden [&_.xterm]:h-full [&_.xterm-viewport]:!bg-transparent ${className}`}
    />
  );
}
