import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { killUntilEmpty, readControlFile, readCounter, readPids, removeDir } from "./cgroup-files.ts";
import { type CgroupLimits, type CgroupVersion, cgroupLimitWrites } from "./cgroup-limits.ts";

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
    return dir ? readPids(path.join(dir, "cgroup.procs")) : [];
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
      if (readPids(procs).length > 0) empty = (await killUntilEmpty(procs, null)) && empty;
    }
    return empty;
  }

  /** How many processes the kernel's OOM killer killed in this cgroup. */
  oomKills(): number {
    const dir = this.dir("memory");
    if (!dir) return 0;
    return readCounter(
      readControlFile(path.join(dir, this.version === "v2" ? "memory.events" : "memory.oom_control")),
      "oom_kill",
    );
  }

  /** Whether a fork or thread creation was refused by the process limit. */
  processLimitHit(): boolean {
    const dir = this.dir("pids");
    return dir ? readCounter(readControlFile(path.join(dir, "pids.events")), "max") > 0 : false;
  }

  /** Kills what is left and removes the directories. */
  async remove(): Promise<void> {
    await this.killAll();
    for (const dir of this.dirs.values()) await removeDir(dir);
  }
}
