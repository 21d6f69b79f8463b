/** Reading and emptying cgroup directories: /proc/<pid>/cgroup, counters, killing what is left, removing. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive } from "./host-process.ts";

/**
 * Parses /proc/<pid>/cgroup: each controller (v1; "" for the v2 unified line) to the
 * process's cgroup path. Named hierarchies (name=systemd) are skipped.
 */
export function parseProcCgroup(text: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, controllers = "", cgroupPath = "/"] = match;
    if (controllers === "") paths.set("", cgroupPath);
    for (const c of controllers.split(",")) if (c && !c.startsWith("name=")) paths.set(c, cgroupPath);
  }
  return paths;
}

/** A counter line such as "oom_kill 3" of a flat-keyed control file; 0 when absent. */
export function readCounter(text: string, key: string): number {
  const match = new RegExp(`^${key} (\\d+)$`, "m").exec(text);
  return match ? Number(match[1]) : 0;
}

/** A small control file's text, or "" when it cannot be read. Control files read in microseconds. */
export function readControlFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

export function readPids(procsFile: string): number[] {
  return readControlFile(procsFile).split("\n").filter(Boolean).map(Number);
}

/** SIGKILLs every process listed in `procsFile` until none is left (a fork bomb refills it for a while). */
export async function killUntilEmpty(procsFile: string, killFile: string | null): Promise<boolean> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const pids = readPids(procsFile);
    if (pids.length === 0) return true;
    if (killFile) {
      await writeFile(killFile, "1").catch(() => {});
    } else {
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    await sleep(attempt < 10 ? 2 : 20);
  }
  return false;
}

export async function removeDir(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await rmdir(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return;
      if (code !== "EBUSY") throw err;
      await sleep(10);
    }
  }
}

/** Kills and removes a cgroup directory and everything under it, children first. */
export async function removeTree(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await removeTree(path.join(dir, entry.name));
  }
  await killUntilEmpty(path.join(dir, "cgroup.procs"), null);
  await removeDir(dir);
}

/** Removes `observer-runs-<pid>-<n>` directories of servers that are no longer running. */
export async function removeStale(parent: string): Promise<void> {
  if (!existsSync(parent)) return;
  for (const entry of readdirSync(parent, { withFileTypes: true })) {
    const match = /^observer-runs-(\d+)-\d+$/.exec(entry.name);
    if (entry.isDirectory() && match && !isAlive(Number(match[1]))) {
      await removeTree(path.join(parent, entry.name)).catch(() => {});
    }
  }
}
