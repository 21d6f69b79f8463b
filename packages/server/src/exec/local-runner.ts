import { randomUUID } from "node:crypto";
import { chownSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { isUuid, type LanguageAvailability } from "@observer/protocol";
import {
  BWRAP_FDS,
  buildBwrapOptions,
  bwrapArgsFile,
  bwrapArgvWithArgsFd,
  dropPrivilegesArgs,
  sandboxEnv,
  type WorkMount,
} from "./bwrap-command.ts";
import { compileAids, SANDBOX_CACHE_DIR } from "./compile-cache.ts";
import { type LanguagePlan, languagePlan } from "./languages.ts";
import { Launcher, LauncherPool } from "./launcher.ts";
import { cpuLimitSeconds, nprocArgs, type RunLimits, resolveLimits, ulimitSpec } from "./limits.ts";
import { PtyHost } from "./pty-host.ts";
import { emptyResult, RunContext } from "./run-context.ts";
import type { RunHandle, Runner, RunPhase, RunResult, RunSpec, SandboxStatus } from "./runner.ts";
import { RunnerError } from "./runner.ts";
import { type LocalRunnerOptions, type RunnerSetup, setUpRunner } from "./runner-setup.ts";
import { type PhaseOutcome, SandboxProcess } from "./sandbox-process.ts";

export type { LocalRunnerOptions, RunnerLog } from "./runner-setup.ts";

/** Most files a compile step may leave for the program (each is one bind mount). */
const MAX_WORK_ENTRIES = 512;

/**
 * When the launchers a run took are replaced: at its end, or this long after its start if it is
 * still going (a program waiting for input), never while it starts (see LauncherPool).
 */
const REFILL_AFTER_MS = 300;

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

  private readonly status: SandboxStatus;
  private readonly pool: LauncherPool | null;
  private readonly ptys: PtyHost;

  private constructor(private readonly setup: RunnerSetup) {
    this.status = setup.status;
    const likely = { memoryBytes: setup.runDefaults.memoryBytes, processes: setup.runDefaults.processes };
    this.ptys = new PtyHost();
    const ptys = this.ptys;
    this.pool = setup.status.ok
      ? new LauncherPool(
          () => Launcher.start(setup.runnerDir, setup.cgroups, likely, ptys),
          setup.warmLaunchers,
          (err) => setup.log.error(`Code runner: cannot start a launcher: ${String(err)}`),
        )
      : null;
  }

  /** Detects toolchains and cgroups and tries a sandbox once. Never throws for a broken sandbox: see sandboxStatus(). */
  static async create(options: LocalRunnerOptions = {}): Promise<LocalBwrapRunner> {
    return new LocalBwrapRunner(await setUpRunner(options));
  }

  sandboxStatus(): SandboxStatus {
    return { ...this.status };
  }

  availableLanguages(): LanguageAvailability[] {
    return this.setup.languages.map((l) => ({ ...l }));
  }

  start(spec: RunSpec): RunHandle {
    if (this.disposed) throw new RunnerError("sandbox_unavailable", "The code runner is shutting down.");
    if (!this.status.ok) {
      throw new RunnerError(
        "sandbox_unavailable",
        `Programs cannot run on this server: ${this.status.reason}`,
      );
    }
    const language = this.setup.languages.find((l) => l.id === spec.language);
    if (!language?.available) {
      throw new RunnerError(
        "language_unavailable",
        `${language?.label ?? spec.language} is not installed on this server.`,
      );
    }
    const limits = resolveLimits(this.setup.runDefaults, spec.limits);
    const cache = this.setup.compileCache.current();
    const aids = compileAids(
      cache,
      this.status.mode === "bwrap" ? SANDBOX_CACHE_DIR : (cache?.hostDir ?? ""),
    );
    const plan = languagePlan(
      spec.language,
      spec.code,
      this.setup.tools,
      limits,
      this.setup.compileLimits,
      aids,
    );
    const id = spec.id ?? randomUUID();
    // The id names the run's folder: only a UUID is accepted.
    if (!isUuid(id)) throw new Error(`invalid run id: ${id}`);
    const hostDir = path.join(this.setup.runnerDir, id);
    const ctx = new RunContext(id, hostDir, spec.cols ?? 80, spec.rows ?? 24, plan.compile !== null, limits);
    if (spec.stdin) ctx.run.write(`${spec.stdin}${spec.stdin.endsWith("\n") ? "" : "\n"}\x04`);
    const done = this.execute(ctx, plan, spec.code, limits).finally(() => this.active.delete(id));
    this.active.set(id, { ctx, done });
    return ctx.run;
  }

  private async execute(ctx: RunContext, plan: LanguagePlan, code: string, limits: RunLimits): Promise<void> {
    let phase: RunPhase = plan.compile ? "compile" : "run";
    let result: RunResult | null = null;
    const refill = setTimeout(() => this.pool?.refill(), REFILL_AFTER_MS);
    try {
      // Small synchronous steps on the way to the program's first output (no thread-pool hops).
      mkdirSync(ctx.hostDir, { mode: 0o700 });
      writeFileSync(path.join(ctx.hostDir, plan.sourceFile), code, { mode: 0o600 });
      if (this.setup.ids.dropPrivileges) {
        chownSync(ctx.hostDir, this.setup.ids.uid, this.setup.ids.gid);
        chownSync(path.join(ctx.hostDir, plan.sourceFile), this.setup.ids.uid, this.setup.ids.gid);
      }
      if (plan.compile && !ctx.killed) {
        const work: WorkMount = { kind: "bind", hostDir: ctx.hostDir };
        const outcome = await this.runPhase(ctx, "compile", plan, this.setup.compileLimits, work);
        if (outcome.exitCode === 0 && !outcome.killedFor && !ctx.killed) {
          phase = "run";
          ctx.run.setStatus("running");
        } else {
          result = this.toResult(outcome, "compile", ctx, this.setup.compileLimits);
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
        result = this.toResult(await this.runPhase(ctx, "run", plan, limits, work), "run", ctx, limits);
      }
    } catch (err) {
      this.setup.log.error(`Code runner: run ${ctx.id} failed: ${(err as Error).stack ?? String(err)}`);
      ctx.run.pushOutput("\r\n\x1b[31m[The server could not run this program. Try again.]\x1b[0m\r\n");
      result = emptyResult(phase, null, ctx.meter.truncated);
    }
    try {
      // Only the source and what the compiler wrote: programs write to their own tmpfs.
      rmSync(ctx.hostDir, { recursive: true, force: true });
    } catch (err) {
      this.setup.log.error(`Code runner: cannot remove ${ctx.hostDir}: ${String(err)}`);
    }
    // Stopped before (or between) its processes: nothing ran, or the rest did not.
    result ??= emptyResult(phase, "user", ctx.meter.truncated);
    if (ctx.killed && result.killedFor === null) result = { ...result, killedFor: "user" };
    ctx.run.finish(result);
    clearTimeout(refill);
    // After the result has gone out to listeners (they run on microtasks).
    setImmediate(() => this.pool?.refill());
  }

  private toResult(outcome: PhaseOutcome, phase: RunPhase, ctx: RunContext, limits: RunLimits): RunResult {
    const { processLimitHit: _, ...rest } = outcome;
    const cpuTimeLimitMs = cpuLimitSeconds(limits) * 1000;
    return { ...rest, outputTruncated: ctx.meter.truncated, phase, cpuTimeLimitMs };
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
    let argsFile: string | null = null;
    try {
      const command = phase === "compile" ? (plan.compile ?? []) : plan.run;
      const addressSpace = !launcher.cgroup && plan.addressSpaceLimit ? limits.memoryBytes : undefined;
      // Processes are bounded by the pids cgroup; without one, by RLIMIT_NPROC set inside.
      const program = launcher.cgroup ? command : [this.setup.bins.prlimit, ...nprocArgs(limits), ...command];
      const sandboxed = this.sandboxed(
        program,
        work,
        limits,
        ctx.hostDir,
        `${ctx.hostDir}-${phase}.args`,
        phase,
      );
      argsFile = sandboxed.argsFile;
      const proc = new SandboxProcess(launcher, {
        command:
          this.setup.ids.dropPrivileges && this.setup.bins.setpriv
            ? [
                this.setup.bins.setpriv,
                ...dropPrivilegesArgs(this.setup.ids.uid, this.setup.ids.gid),
                ...sandboxed.command,
              ]
            : sandboxed.command,
        inputFiles: sandboxed.inputFiles,
        ulimits: ulimitSpec(limits, addressSpace),
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
      if (outcome.killedFor === "cpu") {
        const who = phase === "compile" ? "compiler" : "program";
        ctx.meter.push(
          `\r\n\x1b[33m[CPU time limit of ${cpuLimitSeconds(limits)} s reached: the ${who} was stopped.]\x1b[0m\r\n`,
        );
      }
      return outcome;
    } finally {
      // Its processes are gone (SandboxProcess killed them); removing the directories can wait.
      this.track(launcher.discard());
      if (argsFile) rmSync(argsFile, { force: true });
    }
  }

  private track(cleanup: Promise<void>): void {
    const tracked = cleanup
      .catch((err: unknown) => this.setup.log.error(`Code runner: cleanup failed: ${String(err)}`))
      .finally(() => this.cleanups.delete(tracked));
    this.cleanups.add(tracked);
  }

  /**
   * The command wrapped in bwrap, or (OBSERVER_SANDBOX=none) in a cleared environment in the
   * run's folder. bwrap's options go to `argsFile` (written here, removed by the caller), read
   * through `--args` with the seccomp filter: the files the launcher opens as BWRAP_FDS.
   */
  private sandboxed(
    command: string[],
    work: WorkMount,
    limits: RunLimits,
    hostDir: string,
    argsFile: string,
    phase: RunPhase,
  ): { command: string[]; inputFiles: string[]; argsFile: string | null } {
    if (this.status.mode === "none" || !this.setup.bins.bwrap) {
      const env = Object.entries(sandboxEnv({ HOME: hostDir })).map(([k, v]) => `${k}=${v}`);
      return {
        command: ["/usr/bin/env", "-i", "-C", hostDir, ...env, ...command],
        inputFiles: [],
        argsFile: null,
      };
    }
    if (!this.setup.seccompFile) throw new Error("no seccomp filter: the sandbox is unavailable");
    // The compile cache is the compiler's: the program itself never sees it.
    const cache = phase === "compile" ? this.setup.compileCache.current() : null;
    const options = buildBwrapOptions({
      ...this.setup.layout,
      readOnly: cache
        ? [...this.setup.layout.readOnly, { src: cache.hostDir, dest: SANDBOX_CACHE_DIR }]
        : this.setup.layout.readOnly,
      work,
      tmpSizeBytes: limits.diskBytes,
      uid: this.setup.ids.uid,
      gid: this.setup.ids.gid,
      env: sandboxEnv(),
      seccompFd: BWRAP_FDS.seccomp,
    });
    writeFileSync(argsFile, bwrapArgsFile(options), { mode: 0o600 });
    return {
      command: [this.setup.bins.bwrap, ...bwrapArgvWithArgsFd(BWRAP_FDS.args, command)],
      // In descriptor order: 3 the filter, 4 the options.
      inputFiles: [this.setup.seccompFile, argsFile],
      argsFile,
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const runs = [...this.active.values()];
    for (const { ctx } of runs) ctx.run.kill();
    await Promise.all(runs.map((r) => r.done));
    await this.pool?.dispose();
    await this.ptys.dispose();
    await Promise.all([...this.cleanups]);
    await this.setup.cgroups?.dispose();
    await rm(this.setup.runnerDir, { recursive: true, force: true }).catch(() => {});
  }
}
