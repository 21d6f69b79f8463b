import { closeSync, constants, openSync, writeSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { encodeCommand, launchArgs } from "./bwrap-command.ts";
import type { CgroupLimits } from "./cgroup-limits.ts";
import type { CgroupManager } from "./cgroups.ts";
import type { Pty, PtyHost } from "./pty-host.ts";
import type { RunCgroup } from "./run-cgroup.ts";

let launcherCount = 0;

/** Writes all of `data` to a non-blocking descriptor, waiting while the pipe is full. */
async function writeAll(fd: number, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      await sleep(1);
    }
  }
}

/**
 * A pseudo-terminal with a bash launcher in it that has closed its inherited descriptors and
 * joined its own cgroups, and now waits on a FIFO (which it made) for the command to execute.
 * Starting one (fork, bash, moving into cgroups: slow on cgroup v1) happens before a run asks
 * for it, so a run only pays for writing its command. Used once.
 */
export class Launcher {
  private dead = false;
  private used = false;

  private constructor(
    readonly pty: Pty,
    readonly cgroup: RunCgroup | null,
    private readonly fifo: string,
  ) {
    pty.onExit(() => {
      this.dead = true;
    });
  }

  /**
   * Starts a launcher: a cgroup (when there are cgroups) with the likely limits already set,
   * and bash under a new pty (started by the pty host, not by forking the server), which makes
   * its FIFO in `dir`.
   */
  static async start(
    dir: string,
    cgroups: CgroupManager | null,
    likely: CgroupLimits,
    ptys: PtyHost,
  ): Promise<Launcher> {
    const name = `l${process.pid}-${++launcherCount}`;
    const fifo = path.join(dir, `${name}.fifo`);
    let cgroup: RunCgroup | null = null;
    try {
      cgroup = cgroups ? await cgroups.create(name) : null;
      await cgroup?.limit(likely);
      const pty = await ptys.spawn("/bin/bash", launchArgs(cgroup?.procsFiles ?? [], null, fifo), {
        name: "xterm-256color",
        cols: 80,
        rows: 24,
        cwd: "/",
        env: {},
      });
      return new Launcher(pty, cgroup, fifo);
    } catch (err) {
      await rm(fifo, { force: true });
      await cgroup?.remove();
      throw err;
    }
  }

  /** Whether it can still be used (not used yet, not exited). */
  get usable(): boolean {
    return !this.dead && !this.used;
  }

  /**
   * Sets the cgroup limits (if not already those), then hands the rlimits (ulimitSpec), the
   * files to open as descriptors 3, 4... and the command over: the launcher applies them and
   * executes the command at once. Waits (briefly) for a launcher that has not made or opened
   * its FIFO yet.
   */
  async exec(
    ulimits: string,
    command: string[],
    limits: CgroupLimits,
    inputFiles: string[] = [],
  ): Promise<void> {
    if (!this.usable) throw new Error("launcher already used or gone");
    this.used = true;
    await this.cgroup?.limit(limits);
    const data = encodeCommand(ulimits, command, inputFiles);
    for (let attempt = 0; ; attempt++) {
      if (this.dead) throw new Error("launcher exited before it was used");
      try {
        // Non-blocking (so synchronous is fine): fails at once while the FIFO is not made yet
        // (ENOENT) or no reader has it open (ENXIO), instead of hanging.
        const fd = openSync(this.fifo, constants.O_WRONLY | constants.O_NONBLOCK);
        try {
          await writeAll(fd, data);
        } finally {
          closeSync(fd);
        }
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if ((code !== "ENXIO" && code !== "ENOENT") || attempt > 2000) throw err;
        await sleep(attempt < 20 ? 1 : 5);
      }
    }
  }

  /**
   * Kills what is left of it (through its cgroup when there is one: a process id alone may
   * have been reused once reaped) and removes its FIFO and cgroup.
   */
  async discard(): Promise<void> {
    this.used = true;
    if (!this.cgroup) this.killLeader();
    // Killed first: a launcher still starting could otherwise make its FIFO after the removal.
    await this.cgroup?.remove();
    await rm(this.fifo, { force: true });
  }

  /** SIGKILLs the pty's first process (bash, then what it executed) if it has not exited. */
  killLeader(group = false): void {
    if (this.dead) return;
    try {
      process.kill(group ? -this.pty.pid : this.pty.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/**
 * Keeps `size` launchers started ahead of demand. `take` returns a ready one, or starts one
 * when none is ready (a burst). Replacements are started by `refill`, which the runner calls
 * once a run is past its start: starting a launcher costs a fork (in the pty host) and a bash
 * start, CPU that would otherwise delay the output of the very run that took the launcher.
 */
export class LauncherPool {
  private readonly idle: Launcher[] = [];
  private filling = false;
  private disposed = false;

  constructor(
    private readonly startOne: () => Promise<Launcher>,
    private readonly size: number,
    private readonly onError: (err: unknown) => void,
  ) {
    this.fill();
  }

  async take(): Promise<Launcher> {
    for (let launcher = this.idle.shift(); launcher; launcher = this.idle.shift()) {
      if (launcher.usable) return launcher;
      void launcher.discard();
    }
    return this.startOne();
  }

  /** Starts launchers in the background until `size` are ready. */
  refill(): void {
    this.fill();
  }

  private fill(): void {
    if (this.filling || this.disposed || this.size === 0) return;
    this.filling = true;
    void (async () => {
      try {
        while (!this.disposed && this.idle.filter((l) => l.usable).length < this.size) {
          const launcher = await this.startOne();
          if (this.disposed) await launcher.discard();
          else this.idle.push(launcher);
        }
      } catch (err) {
        this.onError(err);
      } finally {
        this.filling = false;
      }
    })();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    while (this.filling) await sleep(5);
    await Promise.all(this.idle.splice(0).map((l) => l.discard()));
  }
}
