import { randomUUID } from "node:crypto";
import { chownSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LanguageAvailability } from "@observer/protocol";
import { buildBwrapArgs, dropPrivilegesArgs, sandboxEnv, type WorkMount } from "./bwrap-command.ts";
import { CgroupManager } from "./cgroups.ts";
import { findBinary, type HostLayout, hostLayout, prepareRunnerDir, probeSandbox } from "./host-setup.ts";
import {
  detectToolchain,
  type LanguagePlan,
  languagePlan,
  probeLanguages,
  type Toolchain,
} from "./languages.ts";
import { Launcher, LauncherPool } from "./launcher.ts";
import {
  DEFAULT_COMPILE_LIMITS,
  DEFAULT_RUN_LIMITS,
  prlimitArgs,
  type RunLimits,
  resolveLimits,
} from "./limits.ts";
import { LiveRun } from "./live-run.ts";
import type { RunHandle, Runner, RunPhase, RunResult, RunSpec, SandboxStatus } from "./runner.ts";
import { RunnerError } from "./runner.ts";
import { OutputMeter, type PhaseOutcome, SandboxProcess } from "./sandbox-process.ts";

/** Where the runner logs (a Fastify/pino logger fits). */
export interface RunnerLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LocalRunnerOptions {
  /** "none" runs programs WITHOUT a sandbox: development only (OBSERVER_SANDBOX=none). */
  sandbox?: "bwrap" | "none";
  /** Defaults of every program run; a run's spec may override them. */
  limits?: Partial<RunLimits>;
  /** Limits of compile steps. */
  compileLimits?: Partial<RunLimits>;
  /** The bubblewrap binary; /usr/bin/bwrap or /usr/local/bin/bwrap. */
  bwrapPath?: string;
  /** Where run folders are made; <tmpdir>/observer-runs. */
  workRoot?: string;
  /** Host and sandbox uid/gid of programs when the server runs as root; 65534 (nobody). */
  sandboxUid?: number;
  sandboxGid?: number;
  /** Use cgroups for memory, processes and CPU when the host allows it; true. */
  cgroups?: boolean;
  /** Where the cgroup hierarchies are mounted; /sys/fs/cgroup. */
  cgroupRoot?: string;
  /** CPU cores' worth of time each run may use (cgroup); 1. */
  cpusPerRun?: number;
  /** Launchers kept started ahead of runs (each a pty and a waiting bash in its cgroups); 2. */
  warmLaunchers?: number;
  log?: RunnerLog;
}

/** Most files a compile step may leave for the program (each is one bind mount). */
const MAX_WORK_ENTRIES = 512;

const consoleLog: RunnerLog = {
  info: (m) => console.info(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

interface RunContext {
  id: string;
  run: LiveRun;
  hostDir: string;
  meter: OutputMeter;
  current: SandboxProcess | null;
  pendingInput: string[];
  cols: number;
  rows: number;
  killed: boolean;
}

/** Fills in what a result needs when the run ends before or without a process. */
function emptyResult(phase: RunPhase, killedFor: RunResult["killedFor"], truncated: boolean): RunResult {
  return {
    exitCode: null,
    signal: null,
    timedOut: false,
    outputTruncated: truncated,
    durationMs: 0,
    killedFor,
    phase,
  };
}

/**
 * Runs programs on this machine in bubblewrap sandboxes under pseudo-terminals, with cgroup
 * limits where the host has them. Create it with `LocalBwrapRunner.create()`, which checks
 * the sandbox once; when bwrap is unusable every `start` throws `sandbox_unavailable`.
 */
export class LocalBwrapRunner implements Runner {
  private readonly active = new Map<string, { ctx: RunContext; done: Promise<void> }>();
  private disposed = false;

  /** Removals of cgroups and folders still under way, awaited by dispose(). */
  private readonly cleanups = new Set<Promise<void>>();

  private constructor(
    private readonly status: SandboxStatus,
    private readonly pool: LauncherPool | null,
    private readonly languages: LanguageAvailability[],
    private readonly tools: Toolchain,
    private readonly layout: HostLayout,
    private readonly runnerDir: string,
    private readonly bins: { bwrap: string | null; setpriv: string | null; prlimit: string },
    private readonly ids: { uid: number; gid: number; dropPrivileges: boolean },
    private readonly cgroups: CgroupManager | null,
    private readonly runDefaults: RunLimits,
    private readonly compileLimits: RunLimits,
    private readonly log: RunnerLog,
  ) {}

  /** Detects toolchains and cgroups and tries a sandbox once. Never throws for a broken sandbox: see sandboxStatus(). */
  static async create(options: LocalRunnerOptions = {}): Promise<LocalBwrapRunner> {
    const log = options.log ?? consoleLog;
    const mode = options.sandbox ?? "bwrap";
    const runDefaults = resolveLimits(DEFAULT_RUN_LIMITS, options.limits);
    const compileLimits = resolveLimits(DEFAULT_COMPILE_LIMITS, options.compileLimits);
    const isRoot = process.getuid?.() === 0;
    const uid = isRoot ? (options.sandboxUid ?? 65534) : (process.getuid?.() ?? 65534);
    const gid = isRoot ? (options.sandboxGid ?? 65534) : (process.getgid?.() ?? 65534);
    const tools = detectToolchain();
    const languagesPromise = probeLanguages(tools);
    const runnerDir = await prepareRunnerDir(
      options.workRoot ?? path.join(tmpdir(), "observer-runs"),
      uid,
      gid,
    );
    const layout = hostLayout(tools, path.join(runnerDir, "etc"));
    const bins = {
      bwrap: options.bwrapPath
        ? findBinary(options.bwrapPath)
        : findBinary("/usr/bin/bwrap", "/usr/local/bin/bwrap"),
      setpriv: isRoot ? findBinary("/usr/bin/setpriv", "/bin/setpriv") : null,
      prlimit: findBinary("/usr/bin/prlimit") ?? "/usr/bin/prlimit",
    };

    let cgroups: CgroupManager | null = null;
    let note: string | null = null;
    if (options.cgroups !== false) {
      const opened = await CgroupManager.open({ root: options.cgroupRoot, cpus: options.cpusPerRun ?? 1 });
      if (opened instanceof CgroupManager) cgroups = opened;
      else note = `no cgroups (${opened.error}): memory is limited per language instead`;
    }
    const limiter = cgroups ? (cgroups.version === "v1" ? "cgroup-v1" : "cgroup-v2") : "rlimits";

    let status: SandboxStatus;
    if (mode === "none") {
      status = { ok: true, reason: "OBSERVER_SANDBOX=none: programs run WITHOUT a sandbox", mode, limiter };
      log.warn(
        "!!! OBSERVER_SANDBOX=none: student programs run WITHOUT a sandbox, with access to this machine's files and network. Development only — never in production. !!!",
      );
    } else if (!bins.bwrap) {
      status = { ok: false, reason: "bubblewrap (bwrap) is not installed on this server", mode, limiter };
    } else if (isRoot && !bins.setpriv) {
      status = {
        ok: false,
        reason: "setpriv (util-linux) is needed to drop root before bwrap",
        mode,
        limiter,
      };
    } else {
      const probeCgroup = cgroups ? await cgroups.create(`probe-${process.pid}`) : null;
      await probeCgroup?.limit({ memoryBytes: 64 * 1024 * 1024, processes: 16 });
      const failure = await probeSandbox({
        bwrap: bins.bwrap,
        setpriv: bins.setpriv,
        layout,
        uid,
        gid,
        cgroupProcsFiles: probeCgroup?.procsFiles ?? [],
      });
      await probeCgroup?.remove();
      status = { ok: failure === null, reason: failure ?? note, mode, limiter };
    }
    if (!status.ok) log.error(`Code runner: sandbox unavailable — ${status.reason}`);
    else if (note) log.warn(`Code runner: ${note}`);

    const pool = status.ok
      ? new LauncherPool(
          () =>
            Launcher.start(runnerDir, cgroups, {
              memoryBytes: runDefaults.memoryBytes,
              processes: runDefaults.processes,
            }),
          options.warmLaunchers ?? 2,
          (err) => log.error(`Code runner: cannot start a launcher: ${String(err)}`),
        )
      : null;
    return new LocalBwrapRunner(
      status,
      pool,
      await languagesPromise,
      tools,
      layout,
      runnerDir,
      bins,
      { uid, gid, dropPrivileges: isRoot },
      cgroups,
      runDefaults,
      compileLimits,
      log,
    );
  }

  sandboxStatus(): SandboxStatus {
    return { ...this.status };
  }

  availableLanguages(): LanguageAvailability[] {
    return this.languages.map((l) => ({ ...l }));
  }

  start(spec: RunSpec): RunHandle {
    if (this.disposed) throw new RunnerError("sandbox_unavailable", "The code runner is shutting down.");
    if (!this.status.ok) {
      throw new RunnerError(
        "sandbox_unavailable",
        `Programs cannot run on this server: ${this.status.reason}`,
      );
    }
    const language = this.languages.find((l) => l.id === spec.language);
    if (!language?.available) {
      throw new RunnerError(
        "language_unavailable",
        `${language?.label ?? spec.language} is not installed on this server.`,
      );
    }
    const limits = resolveLimits(this.runDefaults, spec.limits);
    const plan = languagePlan(spec.language, spec.code, this.tools, limits, this.compileLimits);
    const id = spec.id ?? randomUUID();
    const ctx: RunContext = {
      id,
      hostDir: path.join(this.runnerDir, id),
      current: null,
      pendingInput: [],
      cols: spec.cols ?? 80,
      rows: spec.rows ?? 24,
      killed: false,
      run: undefined as unknown as LiveRun, // set just below; the control closures read it later
      meter: undefined as unknown as OutputMeter,
    };
    ctx.run = new LiveRun(id, plan.compile ? "compiling" : "running", this.control(ctx), limits.stdinBytes);
    ctx.meter = new OutputMeter(limits.outputBytes, (chunk) => ctx.run.pushOutput(chunk));
    if (spec.stdin) ctx.run.write(`${spec.stdin}${spec.stdin.endsWith("\n") ? "" : "\n"}\x04`);
    const done = this.execute(ctx, plan, spec.code, limits).finally(() => this.active.delete(id));
    this.active.set(id, { ctx, done });
    return ctx.run;
  }

  private control(ctx: RunContext) {
    return {
      write: (data: string) => {
        if (ctx.current && ctx.run.status === "running") ctx.current.write(data);
        else ctx.pendingInput.push(data);
      },
      resize: (cols: number, rows: number) => {
        ctx.cols = cols;
        ctx.rows = rows;
        ctx.current?.resize(cols, rows);
      },
      kill: () => {
        ctx.killed = true;
        ctx.current?.kill("user");
      },
    };
  }

  private async execute(ctx: RunContext, plan: LanguagePlan, code: string, limits: RunLimits): Promise<void> {
    let phase: RunPhase = plan.compile ? "compile" : "run";
    let result: RunResult | null = null;
    try {
      // Small synchronous steps on the way to the program's first output (no thread-pool hops).
      mkdirSync(ctx.hostDir, { mode: 0o700 });
      writeFileSync(path.join(ctx.hostDir, plan.sourceFile), code, { mode: 0o600 });
      if (this.ids.dropPrivileges) {
        chownSync(ctx.hostDir, this.ids.uid, this.ids.gid);
        chownSync(path.join(ctx.hostDir, plan.sourceFile), this.ids.uid, this.ids.gid);
      }
      if (plan.compile && !ctx.killed) {
        const work: WorkMount = { kind: "bind", hostDir: ctx.hostDir };
        const outcome = await this.runPhase(ctx, "compile", plan, this.compileLimits, work);
        if (outcome.exitCode === 0 && !outcome.killedFor && !ctx.killed) {
          phase = "run";
          ctx.run.setStatus("running");
        } else {
          result = this.toResult(outcome, "compile", ctx);
        }
      }
      if (phase === "run" && !ctx.killed) {
        const names = readdirSync(ctx.hostDir);
        if (names.length > MAX_WORK_ENTRIES) throw new Error(`the compiler wrote ${names.length} files`);
        const entries = names.map((name) => ({
          host: path.join(ctx.hostDir, name),
          name,
        }));
        const work: WorkMount = { kind: "tmpfs", sizeBytes: limits.diskBytes, entries };
        result = this.toResult(await this.runPhase(ctx, "run", plan, limits, work), "run", ctx);
      }
    } catch (err) {
      this.log.error(`Code runner: run ${ctx.id} failed: ${(err as Error).stack ?? String(err)}`);
      ctx.run.pushOutput("\r\n\x1b[31m[The server could not run this program. Try again.]\x1b[0m\r\n");
      result = emptyResult(phase, null, ctx.meter.truncated);
    }
    try {
      // Only the source and what the compiler wrote: programs write to their own tmpfs.
      rmSync(ctx.hostDir, { recursive: true, force: true });
    } catch (err) {
      this.log.error(`Code runner: cannot remove ${ctx.hostDir}: ${String(err)}`);
    }
    // Stopped before (or between) its processes: nothing ran, or the rest did not.
    result ??= emptyResult(phase, "user", ctx.meter.truncated);
    if (ctx.killed && result.killedFor === null) result = { ...result, killedFor: "user" };
    ctx.run.finish(result);
  }

  private toResult(outcome: PhaseOutcome, phase: RunPhase, ctx: RunContext): RunResult {
    const { processLimitHit: _, ...rest } = outcome;
    return { ...rest, outputTruncated: ctx.meter.truncated, phase };
  }

  /** Runs one phase (compile or run) in its own cgroup and sandbox; its cgroup is removed afterwards. */
  private async runPhase(
    ctx: RunContext,
    phase: RunPhase,
    plan: LanguagePlan,
    limits: RunLimits,
    work: WorkMount,
  ): Promise<PhaseOutcome> {
    if (!this.pool) throw new Error("the sandbox is unavailable");
    const launcher = await this.pool.take();
    try {
      const command = phase === "compile" ? (plan.compile ?? []) : plan.run;
      const addressSpace = !launcher.cgroup && plan.addressSpaceLimit ? limits.memoryBytes : undefined;
      const limited = [this.bins.prlimit, ...prlimitArgs(limits, addressSpace), ...command];
      const sandboxed = this.sandboxed(limited, work, limits, ctx.hostDir);
      const proc = new SandboxProcess(launcher, {
        command:
          this.ids.dropPrivileges && this.bins.setpriv
            ? [this.bins.setpriv, ...dropPrivilegesArgs(this.ids.uid, this.ids.gid), ...sandboxed]
            : sandboxed,
        cols: ctx.cols,
        rows: ctx.rows,
        wallTimeMs: limits.wallTimeMs,
        cgroupLimits: { memoryBytes: limits.memoryBytes, processes: limits.processes },
        output: ctx.meter,
        exitStatusEncodesSignal: this.status.mode === "bwrap",
      });
      ctx.current = proc;
      if (phase === "run") for (const data of ctx.pendingInput.splice(0)) proc.write(data);
      if (ctx.killed) proc.kill("user");
      const outcome = await proc.done;
      ctx.current = null;
      if (outcome.processLimitHit) {
        ctx.meter.push(
          `\r\n\x1b[33m[The program reached its limit of ${limits.processes} processes and threads.]\x1b[0m\r\n`,
        );
      }
      return outcome;
    } finally {
      // Its processes are gone (SandboxProcess killed them); removing the directories can wait.
      this.track(launcher.discard());
    }
  }

  private track(cleanup: Promise<void>): void {
    const tracked = cleanup
      .catch((err: unknown) => this.log.error(`Code runner: cleanup failed: ${String(err)}`))
      .finally(() => this.cleanups.delete(tracked));
    this.cleanups.add(tracked);
  }

  /** The command wrapped in bwrap, or (OBSERVER_SANDBOX=none) in a cleared environment in the run's folder. */
  private sandboxed(command: string[], work: WorkMount, limits: RunLimits, hostDir: string): string[] {
    if (this.status.mode === "none" || !this.bins.bwrap) {
      const env = Object.entries(sandboxEnv({ HOME: hostDir })).map(([k, v]) => `${k}=${v}`);
      return ["/usr/bin/env", "-i", "-C", hostDir, ...env, ...command];
    }
    return [
      this.bins.bwrap,
      ...buildBwrapArgs({
        ...this.layout,
        work,
        tmpSizeBytes: limits.diskBytes,
        uid: this.ids.uid,
        gid: this.ids.gid,
        env: sandboxEnv(),
        command,
      }),
    ];
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const runs = [...this.active.values()];
    for (const { ctx } of runs) ctx.run.kill();
    await Promise.all(runs.map((r) => r.done));
    await this.pool?.dispose();
    await Promise.all([...this.cleanups]);
    await this.cgroups?.dispose();
    await rm(this.runnerDir, { recursive: true, force: true }).catch(() => {});
  }
}
