import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseProcCgroup } from "../../src/exec/cgroup-files.ts";

const ROOT = "/sys/fs/cgroup";
const MAX_PIDS = 2000;
const MAX_MEMORY = 4 * 1024 * 1024 * 1024;

/**
 * Moves this test process into its own cgroup (pids.max 2000, memory 4 GiB), nested under
 * its current one, so that a fork or memory bomb escaping a broken sandbox takes down this
 * test worker and nothing else. The runner's per-run cgroups then nest inside it. Throws
 * when this cannot be done: hostile programs must not run uncontained. Returns the undo.
 */
export function containTestProcess(): Containment {
  const own = parseProcCgroup(readFileSync("/proc/self/cgroup", "utf8"));
  const name = `observer-test-${process.pid}`;
  const moves: { from: string; to: string }[] = [];
  const undo = () => {
    for (const move of moves.reverse()) {
      try {
        writeFileSync(path.join(move.from, "cgroup.procs"), String(process.pid));
        rmdirSync(move.to);
      } catch {
        // the runner may still be removing its cgroups below; the next start cleans up
      }
    }
  };
  try {
    if (existsSync(path.join(ROOT, "cgroup.controllers"))) {
      const from = path.join(ROOT, own.get("") ?? "/");
      const to = path.join(from, name);
      mkdirSync(to);
      writeFileSync(path.join(to, "pids.max"), String(MAX_PIDS));
      writeFileSync(path.join(to, "memory.max"), String(MAX_MEMORY));
      writeFileSync(path.join(to, "cgroup.procs"), String(process.pid));
      moves.push({ from, to });
    } else {
      for (const [controller, limitFile, value] of [
        ["pids", "pids.max", MAX_PIDS],
        ["memory", "memory.limit_in_bytes", MAX_MEMORY],
      ] as const) {
        const from = path.join(ROOT, controller, own.get(controller) ?? "/");
        const to = path.join(from, name);
        mkdirSync(to);
        writeFileSync(path.join(to, limitFile), String(value));
        writeFileSync(path.join(to, "cgroup.procs"), String(process.pid));
        moves.push({ from, to });
      }
    }
  } catch (err) {
    undo();
    throw new Error(
      `Cannot contain the test process in a pids+memory cgroup (${(err as Error).message}). ` +
        "The sandbox tests run hostile programs and need root and writable cgroups.",
    );
  }
  const pidsDir = moves.find((m) => m.to.includes("/pids/"))?.to ?? moves[0]?.to ?? "";
  return {
    release: undo,
    strayProcesses: () =>
      [...new Set([...processesUnder(pidsDir), ...descendantsOf(process.pid)])]
        .filter((pid) => pid !== process.pid && !isIdleLauncher(pid) && !isPtyHost(pid) && !isZombie(pid))
        .map((pid) => [pid, commandLine(pid)] as const)
        // Exited between the listing and this read (e.g. a helper the runner just reaped): not a stray.
        .filter(([, command]) => command !== null)
        .map(([pid, command]) => `${pid} ${command}`),
  };
}

export interface Containment {
  /** Moves the test process back and removes its cgroups. */
  release(): void;
  /**
   * Live processes in the test's cgroup and below (every run's cgroups), and descendants of
   * the test process, other than the test process, the runner's pty host and its idle
   * launchers (bash waiting on its FIFO for a run that has not come), as "pid command line".
   */
  strayProcesses(): string[];
}

function processesUnder(dir: string): number[] {
  const pids = readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) pids.push(...processesUnder(path.join(dir, entry.name)));
  }
  return pids;
}

/** Every process whose chain of parents leads to `root`. */
function descendantsOf(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  for (const pid of parents.keys()) {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) {
      if (p === root) {
        found.push(pid);
        break;
      }
    }
  }
  return found;
}

/** Exited, not yet reaped by its parent (e.g. the runner's mkfifo, reaped on the next event-loop turn). */
function isZombie(pid: number): boolean {
  try {
    return / Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8").replace(/\(.*\)/s, ""));
  } catch {
    return true; // gone meanwhile
  }
}

/** The process's command line, or null once it has exited. */
function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").slice(0, 200);
  } catch {
    return null;
  }
}

/** The runner's pty host (pty-host.mjs): a node process that starts the launchers' terminals. */
function isPtyHost(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return argv[0] === process.execPath && (argv[1] ?? "").endsWith("/exec/pty-host.mjs") && argv.length <= 3;
  } catch {
    return false;
  }
}

function isIdleLauncher(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return argv[0] === "/bin/bash" && argv[5] === "observer-launch" && (argv[6] ?? "").endsWith(".fifo");
  } catch {
    return false;
  }
}
