import type { ChildProcess } from "node:child_process";

/** Children of this test process still running (the fault harness's servers, Redis, runners). */
const children = new Set<ChildProcess>();
let hooked = false;

/**
 * Kills the child with SIGKILL if the test process exits first (a failed or interrupted test
 * whose cleanup never ran), so no server or Redis outlives the test. The afterAll hooks stop
 * them properly; this is the fallback.
 */
export function killOnExit(child: ChildProcess): void {
  children.add(child);
  child.once("exit", () => children.delete(child));
  if (hooked) return;
  hooked = true;
  process.once("exit", () => {
    for (const running of children) running.kill("SIGKILL");
  });
}

/** Kills a child with SIGKILL and resolves once it has exited (at once if it already has). */
export async function killNow(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}
