import { FitAddon } from "@xterm/addon-fit";
import { type ITheme, Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { RUN_LIMITS } from "@observer/protocol";
import type { TerminalSink } from "./run-controller.ts";

/** VS Code's terminal colours, so the terminal matches the editor beside it (vs / vs-dark). */
const LIGHT: ITheme = {
  background: "#ffffff",
  foreground: "#1e293b",
  cursor: "#1e293b",
  cursorAccent: "#ffffff",
  selectionBackground: "#add6ff",
  black: "#000000",
  red: "#cd3131",
  green: "#107c10",
  yellow: "#949800",
  blue: "#0451a5",
  magenta: "#bc05bc",
  cyan: "#0598bc",
  white: "#555555",
  brightBlack: "#666666",
  brightRed: "#cd3131",
  brightGreen: "#14ce14",
  brightYellow: "#b5ba00",
  brightBlue: "#0451a5",
  brightMagenta: "#bc05bc",
  brightCyan: "#0598bc",
  brightWhite: "#a5a5a5",
};

const DARK: ITheme = {
  background: "#181818",
  foreground: "#e2e8f0",
  cursor: "#e2e8f0",
  cursorAccent: "#181818",
  selectionBackground: "#264f78",
  black: "#000000",
  red: "#f14c4c",
  green: "#23d18b",
  yellow: "#e5e510",
  blue: "#3b8eea",
  magenta: "#d670d6",
  cyan: "#29b8db",
  white: "#e5e5e5",
  brightBlack: "#808080",
  brightRed: "#f14c4c",
  brightGreen: "#23d18b",
  brightYellow: "#f5f543",
  brightBlue: "#3b8eea",
  brightMagenta: "#d670d6",
  brightCyan: "#29b8db",
  brightWhite: "#ffffff",
};

const isDark = () => document.documentElement.classList.contains("dark");

export interface XtermViewOptions {
  /** Keys the user typed (already encoded as the terminal sends them: Enter is `\r`). */
  onData: (data: string) => void;
  /** The terminal's size in cells changed (after a fit). */
  onResize: (cols: number, rows: number) => void;
  /** Keys the terminal must leave to the page (e.g. Ctrl/Cmd+Enter for Run); true to let them pass. */
  passKey?: (event: KeyboardEvent) => boolean;
  ariaLabel: string;
}

/**
 * An xterm.js terminal in `container`, fitted to it (following its size), in the app's light
 * or dark colours (following the `dark` class on <html>). A TerminalSink for a RunController.
 * `dispose()` removes the terminal and its observers.
 */
export class XtermView implements TerminalSink {
  readonly terminal: Terminal;
  private readonly fit = new FitAddon();
  private readonly resizeObserver: ResizeObserver;
  private readonly themeObserver: MutationObserver;
  private frame = 0;
  private inputEnabled = true;

  constructor(container: HTMLElement, options: XtermViewOptions) {
    this.terminal = new Terminal({
      theme: isDark() ? DARK : LIGHT,
      fontFamily: '"JetBrains Mono", "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace',
      fontSize: 13,
      lineHeight: 1.25,
      cursorBlink: true,
      cursorInactiveStyle: "none",
      // Output comes from a pty (\r\n), but messages the server adds may end in a bare \n.
      convertEol: true,
      scrollback: 5000,
      allowProposedApi: false,
    });
    this.terminal.loadAddon(this.fit);
    this.terminal.attachCustomKeyEventHandler((event) => !(options.passKey?.(event) ?? false));
    this.terminal.open(container);
    this.terminal.textarea?.setAttribute("aria-label", options.ariaLabel);
    this.terminal.onData(options.onData);
    this.terminal.onResize(({ cols, rows }) => options.onResize(cols, rows));
    this.resizeObserver = new ResizeObserver(() => this.scheduleFit());
    this.resizeObserver.observe(container);
    this.themeObserver = new MutationObserver(() => {
      this.terminal.options.theme = isDark() ? DARK : LIGHT;
    });
    this.themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
    this.fitNow();
    options.onResize(this.terminal.cols, this.terminal.rows);
  }

  private scheduleFit(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.fitNow();
    });
  }

  private fitNow(): void {
    const size = this.fit.proposeDimensions();
    if (!size || !Number.isFinite(size.cols) || !Number.isFinite(size.rows)) return;
    const cols = Math.min(RUN_LIMITS.maxCols, Math.max(RUN_LIMITS.minCols, size.cols));
    const rows = Math.min(RUN_LIMITS.maxRows, Math.max(RUN_LIMITS.minRows, size.rows));
    if (cols !== this.terminal.cols || rows !== this.terminal.rows) this.terminal.resize(cols, rows);
  }

  write(data: string): void {
    this.terminal.write(data);
  }

  reset(): void {
    this.terminal.reset();
    if (!this.inputEnabled) this.setInputEnabled(false);
  }

  /** Whether the program may read keys now: the cursor shows (and blinks) only then. */
  setInputEnabled(enabled: boolean): void {
    this.inputEnabled = enabled;
    this.terminal.options.disableStdin = !enabled;
    this.terminal.options.cursorBlink = enabled;
    // DECTCEM: show or hide the cursor (after the run's last output, or before its first).
    this.terminal.write(enabled ? "\u001b[?25h" : "\u001b[?25l");
  }

  focus(): void {
    this.terminal.focus();
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.resizeObserver.disconnect();
    this.themeObserver.disconnect();
    this.terminal.dispose();
  }
}
