import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseProcCgroup, removeDir, removeStale, removeTree } from "./cgroup-files.ts";
import type { CgroupVersion } from "./cgroup-limits.ts";
import { RunCgroup } from "./run-cgroup.ts";

let managerCount = 0;

/**
 * CPU weight of all runs together against the server (v1 cpu.shares, default 1024; v2
 * cpu.weight, default 100): under contention the server keeps about two thirds of the CPU,
 * otherwise runs use every core (javac and the JVM's JIT run several threads).
 */
const RUNS_CPU_SHARES = 512;
const RUNS_CPU_WEIGHT = 50;

export interface CgroupManagerOptions {
  /** Where cgroup hierarchies are mounted; /sys/fs/cgroup. */
  root?: string;
  /** Which process's cgroup the runs' cgroups nest under; this one. */
  pid?: number;
  /** The text of /proc/<pid>/cgroup, when given (tests). */
  procCgroup?: string;
  /** Cap each run at this many cores of CPU time per second (a hard quota); unset = no cap, only the runs' shared weight. */
  cpus?: number;
}

/**
 * Creates a cgroup per run phase, nested under the server's own cgroup (so whatever limits
 * the server has also bound its runs): cgroup v1 (memory, pids and, when present, cpu
 * hierarchies) or v2 (the unified hierarchy with the memory and pids controllers).
 * Runs of this server live under `observer-runs-<pid>-<n>`; leftovers of dead servers are
 * killed and removed at start.
 */
export class CgroupManager {
  private constructor(
    readonly version: CgroupVersion,
    /** Base directory per controller ("" for v2). */
    private readonly bases: Map<string, string>,
    private readonly cpus: number | undefined,
    private readonly withCpu: boolean,
  ) {}

  /** Detects the hierarchy and prepares the base directories; returns why not when cgroups cannot be used. */
  static async open(options: CgroupManagerOptions = {}): Promise<CgroupManager | { error: string }> {
    const root = options.root ?? "/sys/fs/cgroup";
    const pid = options.pid ?? process.pid;
    let own: Map<string, string>;
    try {
      own = parseProcCgroup(options.procCgroup ?? readFileSync(`/proc/${pid}/cgroup`, "utf8"));
    } catch (err) {
      return { error: `cannot read /proc/${pid}/cgroup: ${(err as Error).message}` };
    }
    const baseName = `observer-runs-${process.pid}-${++managerCount}`;
    try {
      if (existsSync(path.join(root, "cgroup.controllers"))) {
        return await CgroupManager.openV2(root, own.get("") ?? "/", baseName, options.cpus);
      }
      return await CgroupManager.openV1(root, own, baseName, options.cpus);
    } catch (err) {
      return { error: (err as Error).message };
    }
  }

  private static async openV1(
    root: string,
    own: Map<string, string>,
    baseName: string,
    cpus: number | undefined,
  ): Promise<CgroupManager> {
    const bases = new Map<string, string>();
    for (const controller of ["memory", "pids", "cpu"]) {
      const mount = path.join(root, controller);
      if (!existsSync(path.join(mount, "cgroup.procs"))) {
        if (controller === "cpu") continue;
        throw new Error(`cgroup v1 ${controller} hierarchy not mounted at ${mount}`);
      }
      const parent = path.join(mount, own.get(controller) ?? "/");
      await removeStale(parent);
      const base = path.join(parent, baseName);
      await mkdir(base, { recursive: true });
      if (controller === "cpu")
        await writeFile(path.join(base, "cpu.shares"), String(RUNS_CPU_SHARES)).catch(() => {});
      bases.set(controller, base);
    }
    return new CgroupManager("v1", bases, cpus, bases.has("cpu"));
  }

  private static async openV2(
    root: string,
    ownPath: string,
    baseName: string,
    cpus: number | undefined,
  ): Promise<CgroupManager> {
    let parent = path.join(root, ownPath);
    const available = readFileSync(path.join(parent, "cgroup.controllers"), "utf8").split(/\s+/);
    for (const c of ["memory", "pids"]) {
      if (!available.includes(c)) throw new Error(`cgroup v2 controller ${c} is not delegated to ${parent}`);
    }
    const controllers = available.includes("cpu") ? "+memory +pids +cpu" : "+memory +pids";
    try {
      await writeFile(path.join(parent, "cgroup.subtree_control"), controllers);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EBUSY") throw err;
      // "No internal processes": move this server into a leaf so its cgroup may have children.
      const leaf = path.join(parent, "observer-server");
      await mkdir(leaf, { recursive: true });
      await writeFile(path.join(leaf, "cgroup.procs"), String(process.pid));
      await writeFile(path.join(parent, "cgroup.subtree_control"), controllers);
    }
    await removeStale(parent);
    parent = path.join(parent, baseName);
    await mkdir(parent, { recursive: true });
    await writeFile(path.join(parent, "cgroup.subtree_control"), controllers);
    if (controllers.includes("cpu")) {
      await writeFile(path.join(parent, "cpu.weight"), String(RUNS_CPU_WEIGHT)).catch(() => {});
    }
    return new CgroupManager("v2", new Map([["", parent]]), cpus, controllers.includes("cpu"));
  }

  /** Creates the cgroup `name` (unique per launcher); its limits are set with `RunCgroup.limit`. */
  async create(name: string): Promise<RunCgroup> {
    const dirs = new Map<string, string>();
    try {
      for (const [controller, base] of this.bases) {
        const dir = path.join(base, name);
        await mkdir(dir);
        dirs.set(controller, dir);
      }
    } catch (err) {
      for (const dir of dirs.values()) await removeDir(dir).catch(() => {});
      throw err;
    }
    return new RunCgroup(this.version, dirs, this.cpus, this.withCpu);
  }

  /** Kills every run's processes and removes this server's base directories. */
  async dispose(): Promise<void> {
    for (const base of this.bases.values()) await removeTree(base);
  }
}
