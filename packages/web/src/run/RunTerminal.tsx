import { useEffect, useRef } from "react";
import { isRunKey } from "./run-availability.ts";
import type { RunController } from "./run-controller.ts";
import { XtermView } from "./xterm-view.ts";

/**
 * The xterm.js terminal of a RunController: shows its run's output (all of it, also when
 * mounted late), sends what is typed to the program while it runs, follows the size of its
 * box and the app's theme. Ctrl/Cmd+Enter is left to the page (Run).
 */
export function RunTerminal({
  controller,
  acceptsInput,
  ariaLabel,
  className = "",
}: {
  controller: RunController;
  /** The program is live: keys go to it and the cursor blinks. */
  acceptsInput: boolean;
  ariaLabel: string;
  className?: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const view = useRef<XtermView | null>(null);
  const label = useRef(ariaLabel);
  label.current = ariaLabel;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const created = new XtermView(element, {
      onData: (data) => controller.stdin(data),
      onResize: (cols, rows) => controller.resize(cols, rows),
      passKey: isRunKey,
      ariaLabel: label.current,
    });
    view.current = created;
    controller.setSink(created);
    return () => {
      controller.setSink(null);
      view.current = null;
      created.dispose();
    };
  }, [controller]);

  useEffect(() => view.current?.setInputEnabled(acceptsInput), [acceptsInput]);

  return (
    <div
      ref={container}
      data-testid="run-terminal"
      className={`min-h-0 overflow-hidden [&_.xterm]:h-full [&_.xterm-viewport]:!bg-transparent ${className}`}
    />
  );
}
