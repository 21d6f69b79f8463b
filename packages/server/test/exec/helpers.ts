import type { RunHandle } from "../../src/exec/runner.ts";

/** Resolves when the run's output contains `text` (checked over the whole transcript). */
export function outputContains(handle: RunHandle, text: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (handle.transcript.includes(text)) return resolve();
    const timer = setTimeout(() => {
      handle.off("output", check);
      reject(
        new Error(`output never contained ${JSON.stringify(text)}; got ${JSON.stringify(handle.transcript)}`),
      );
    }, timeoutMs);
    const check = () => {
      if (!handle.transcript.includes(text)) return;
      clearTimeout(timer);
      handle.off("output", check);
      resolve();
    };
    handle.on("output", check);
    void handle.result.then(() => setTimeout(check, 0));
  });
}

/** The transcript as read on screen, roughly: no ANSI control sequences, no carriage returns. */
export function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "");
}
