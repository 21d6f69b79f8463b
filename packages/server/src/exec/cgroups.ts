import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export type CgroupVersion = "v1" | "v2";

/** What a run's cgroup caps: memory (swap off), processes+threads, and CPU cores. */
export interface CgroupLimits {
  memoryBytes: number;
  processes: number;
  /** CPU bandwidth in cores (e.g. 1 = one core's worth); unset = no cap. */
  cpus?: number;
}

/** One write to a control file; `optional` ones may be missing on some kernels (e.g. swap accounting off). */
export interface CgroupWrite {
  controller: string;
  file: string;
  value: string;
  optional?: boolean;
}

const CPU_PERIOD_US = 100_000;
let managerCount = 0;

/**
 * CPU weight of all runs together against the server (v1 cpu.shares, default 1024; v2
 * cpu.weight, default 100): under contention the server keeps about two thirds of the CPU,
 * otherwise runs use every core (javac and the JVM's JIT run several threads).
 */
const RUNS_CPU_SHARES = 512;
const RUNS_CPU_WEIGHT = 50;

/** The control-file writes that apply `limits` to a fresh cgroup, in order. Pure. */
export function cgroupLimitWrites(
  version: CgroupVersion,
  limits: CgroupLimits,
  withCpu: boolean,
): CgroupWrite[] {
  const memory = String(limits.memoryBytes);
  const pids = String(limits.processes);
  const quota = limits.cpus ? String(Math.max(1000, Math.round(limits.cpus * CPU_PERIOD_US))) : null;
  if (version === "v1") {
    const writes: CgroupWrite[] = [
      { controller: "memory", file: "memory.limit_in_bytes", value: memory },
      { controller: "memory", file: "memory.memsw.limit_in_bytes", value: memory, optional: true },
      { controller: "memory", file: "memory.swappiness", value: "0", optional: true },
      { controller: "pids", file: "pids.max", value: pids },
    ];
    if (withCpu && quota) {
      writes.push(
        { controller: "cpu", file: "cpu.cfs_period_us", value: String(CPU_PERIOD_US), optional: true },
        { controller: "cpu", file: "cpu.cfs_quota_us", value: quota, optional: true },
      );
    }
    return writes;
  }
  const writes: CgroupWrite[] = [
    { controller: "", file: "memory.max", value: memory },
    { controller: "", file: "memory.swap.max", value: "0", optional: true },
    { controller: "", file: "pids.max", value: pids },
  ];
  if (withCpu && quota)
    writes.push({ controller: "", file: "cpu.max", value: `${quota} ${CPU_PERIOD_US}`, optional: true });
  return writes;
}

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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A small control file's text, or "" when it cannot be read. Control files read in microseconds. */
function readSync(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function readPidsSync(procsFile: string): number[] {
  return readSync(procsFile).split("\n").filter(Boolean).map(Number);
}

/** SIGKILLs every process listed in `procsFile` until none is left (a fork bomb refills it for a while). */
async function killUntilEmpty(procsFile: string, killFile: string | null): Promise<boolean> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const pids = readPidsSync(procsFile);
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

async function removeDir(dir: string): Promise<void> {
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

/** One run phase's cgroup (one directory per v1 controller, or one v2 directory). */
export class RunCgroup {
  constructor(
    private readonly version: CgroupVersion,
    /** Directory per controller ("" for v2). */
    private readonly dirs: Map<string, string>,
    private readonly cpus: number | undefined,
    private readonly withCpu: boolean,
  ) {}

  /** Values written so far, by file: `limit` writes only what changes. */
  private readonly written = new Map<string, string>();

  /** Sets the memory, process and CPU limits (before the launcher in it runs anything). */
  async limit(limits: CgroupLimits): Promise<void> {
    const writes = cgroupLimitWrites(this.version, { ...limits, cpus: this.cpus }, this.withCpu);
    // v1 keeps memory <= memory+swap: raising both needs the memory+swap limit raised first.
    const memory = this.dirs.get("memory");
    const previous = memory
      ? Number(this.written.get(path.join(memory, "memory.limit_in_bytes")) ?? Infinity)
      : Infinity;
    if (this.version === "v1" && limits.memoryBytes > previous) {
      const swapIndex = writes.findIndex((w) => w.file === "memory.memsw.limit_in_bytes");
      const [swap] = writes.splice(swapIndex, 1);
      if (swap) writes.unshift(swap);
    }
    for (const w of writes) {
      const dir = this.dirs.get(w.controller);
      const file = dir && path.join(dir, w.file);
      if (!file || this.written.get(file) === w.value) continue;
      try {
        await writeFile(file, w.value);
        this.written.set(file, w.value);
      } catch (err) {
        if (!w.optional) throw err;
      }
    }
  }

  private dir(controller: string): string | undefined {
    return this.dirs.get(this.version === "v2" ? "" : controller);
  }

  /** The files the launcher writes its pid to, to join this cgroup before it executes bwrap. */
  get procsFiles(): string[] {
    return [...this.dirs.values()].map((d) => path.join(d, "cgroup.procs"));
  }

  /** Process ids in the cgroup now. */
  pids(): number[] {
    const dir = this.dir("pids");
    return dir ? readPidsSync(path.join(dir, "cgroup.procs")) : [];
  }

  /** Kills every process of the run (daemons and orphans too) and waits until the cgroup is empty. */
  async killAll(): Promise<boolean> {
    const dir = this.dir("pids");
    if (!dir) return true;
    const killFile =
      this.version === "v2" && existsSync(path.join(dir, "cgroup.kill"))
        ? path.join(dir, "cgroup.kill")
        : null;
    // Usually empty already (the sandbox's PID namespace ended with its first process): one read.
    let empty = await killUntilEmpty(path.join(dir, "cgroup.procs"), killFile);
    // v1: each controller has its own hierarchy; check the others too.
    for (const [controller, other] of this.dirs) {
      if (controller === "pids" || controller === "") continue;
      const procs = path.join(other, "cgroup.procs");
      if (readPidsSync(procs).length > 0) empty = (await killUntilEmpty(procs, null)) && empty;
    }
    return empty;
  }

  /** How many processes the kernel's OOM killer killed in this cgroup. */
  oomKills(): number {
    const dir = this.dir("memory");
    if (!dir) return 0;
    return readCounter(
      readSync(path.join(dir, this.version === "v2" ? "memory.events" : "memory.oom_control")),
      "oom_kill",
    );
  }

  /** Whether a fork or thread creation was refused by the process limit. */
  processLimitHit(): boolean {
    const dir = this.dir("pids");
    return dir ? readCounter(readSync(path.join(dir, "pids.events")), "max") > 0 : false;
  }

  /** Kills what is left and removes the directories. */
  async remove(): Promise<void> {
    await this.killAll();
    for (const dir of this.dirs.values()) await removeDir(dir);
  }
}

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

/** Kills and removes a cgroup directory and everything under it, children first. */
async function removeTree(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await removeTree(path.join(dir, entry.name));
  }
  await killUntilEmpty(path.join(dir, "cgroup.procs"), null);
  await removeDir(dir);
}

/** Removes `observer-runs-<pid>-<n>` directories of servers that are no longer running. */
async function removeStale(parent: string): Promise<void> {
  if (!existsSync(parent)) return;
  for (const entry of readdirSync(parent, { withFileTypes: true })) {
    const match = /^observer-runs-(\d+)-\d+$/.exec(entry.name);
    if (entry.isDirectory() && match && !isAlive(Number(match[1]))) {
      await removeTree(path.join(parent, entry.name)).catch(() => {});
    }
  }
}
