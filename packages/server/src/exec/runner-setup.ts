import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LanguageAvailability } from "@observer/protocol";
import { CgroupManager } from "./cgroups.ts";
import { CompileCache } from "./compile-cache.ts";
import { findBinary, type HostLayout, hostLayout, prepareRunnerDir, probeSandbox } from "./host-setup.ts";
import { detectToolchain, probeLanguages, type Toolchain } from "./languages.ts";
import { DEFAULT_COMPILE_LIMITS, DEFAULT_RUN_LIMITS, type RunLimits, resolveLimits } from "./limits.ts";
import type { SandboxStatus } from "./runner.ts";
import { buildSeccompFilter } from "./seccomp-filter.ts";

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
  bwrapPath?: string | null;
  /** Where run folders are made; <tmpdir>/observer-runs. */
  workRoot?: string;
  /** Host and sandbox uid/gid of programs when the server runs as root; 65534 (nobody). */
  sandboxUid?: number;
  sandboxGid?: number;
  /** Use cgroups for memory, processes and CPU when the host allows it; true. */
  cgroups?: boolean;
  /** Where the cgroup hierarchies are mounted; /sys/fs/cgroup. */
  cgroupRoot?: string;
  /**
   * A hard cap in cores' worth of CPU time per run (cgroup quota); none by default: runs
   * together get a lower CPU weight than the server and share the cores fairly.
   */
  cpusPerRun?: number;
  /** Launchers kept started ahead of runs (each a pty and a waiting bash in its cgroups); 2. */
  warmLaunchers?: number;
  log?: RunnerLog;
}

/** Everything a runner found out about this host once, at start. */
export interface RunnerSetup {
  status: SandboxStatus;
  languages: LanguageAvailability[];
  tools: Toolchain;
  layout: HostLayout;
  /** This runner's folder: run folders and the synthetic /etc files. */
  runnerDir: string;
  bins: { bwrap: string | null; setpriv: string | null; prlimit: string };
  /** The seccomp filter bwrap loads (in runnerDir), or null without a sandbox (or when it cannot be built). */
  seccompFile: string | null;
  /** Programs' ids; `dropPrivileges` when the server is root (setpriv before bwrap). */
  ids: { uid: number; gid: number; dropPrivileges: boolean };
  cgroups: CgroupManager | null;
  runDefaults: RunLimits;
  compileLimits: RunLimits;
  /** Precompiled C++ headers and javac's class-data archive, built in the background (compile-cache.ts). */
  compileCache: CompileCache;
  warmLaunchers: number;
  log: RunnerLog;
}

const consoleLog: RunnerLog = {
  info: (m) => console.info(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

const LOUD_WARNING =
  "!!! OBSERVER_SANDBOX=none: student programs run WITHOUT a sandbox, with access to this machine's files and network. Development only — never in production. !!!";

/**
 * Finds the toolchains, bwrap, setpriv and cgroups, and runs a trivial sandbox once. A broken
 * or missing sandbox is reported in `status` (and logged), never thrown.
 */
export async function setUpRunner(options: LocalRunnerOptions): Promise<RunnerSetup> {
  const log = options.log ?? consoleLog;
  const mode = options.sandbox ?? "bwrap";
  const runDefaults = resolveLimits(DEFAULT_RUN_LIMITS, options.limits);
  const compileLimits = resolveLimits(DEFAULT_COMPILE_LIMITS, options.compileLimits);
  const isRoot = process.getuid?.() === 0;
  const uid = isRoot ? (options.sandboxUid ?? 65534) : (process.getuid?.() ?? 65534);
  const gid = isRoot ? (options.sandboxGid ?? 65534) : (process.getgid?.() ?? 65534);
  const tools = detectToolchain();
  const languages = probeLanguages(tools);
  const workRoot = options.workRoot ?? path.join(tmpdir(), "observer-runs");
  const runnerDir = await prepareRunnerDir(workRoot, uid, gid);
  const layout = hostLayout(tools, path.join(runnerDir, "etc"));
  const bins = {
    bwrap: findBinary(
      ...(options.bwrapPath ? [options.bwrapPath] : ["/usr/bin/bwrap", "/usr/local/bin/bwrap"]),
    ),
    setpriv: isRoot ? findBinary("/usr/bin/setpriv", "/bin/setpriv") : null,
    prlimit: findBinary("/usr/bin/prlimit") ?? "/usr/bin/prlimit",
  };

  let cgroups: CgroupManager | null = null;
  let note: string | null = null;
  if (options.cgroups !== false) {
    const opened = await CgroupManager.open({ root: options.cgroupRoot, cpus: options.cpusPerRun });
    if (opened instanceof CgroupManager) cgroups = opened;
    else note = `no cgroups (${opened.error}): memory is limited per language instead`;
  }
  const limiter = cgroups ? (cgroups.version === "v1" ? "cgroup-v1" : "cgroup-v2") : "rlimits";

  // The sandbox's last layer: without it, no sandbox (never one silently without seccomp).
  let seccompFile: string | null = null;
  let seccompProblem: string | null = null;
  if (mode === "bwrap") {
    try {
      const filter = buildSeccompFilter();
      seccompFile = path.join(runnerDir, "seccomp.bpf");
      await writeFile(seccompFile, filter, { mode: 0o600 });
    } catch (err) {
      seccompFile = null;
      seccompProblem = `cannot build the seccomp filter: ${(err as Error).message}`;
    }
  }

  let status: SandboxStatus;
  if (mode === "none") {
    status = { ok: true, reason: "OBSERVER_SANDBOX=none: programs run WITHOUT a sandbox", mode, limiter };
    log.warn(LOUD_WARNING);
  } else if (!bins.bwrap) {
    status = { ok: false, reason: "bubblewrap (bwrap) is not installed on this server", mode, limiter };
  } else if (isRoot && !bins.setpriv) {
    status = { ok: false, reason: "setpriv (util-linux) is needed to drop root before bwrap", mode, limiter };
  } else if (!seccompFile) {
    status = { ok: false, reason: seccompProblem ?? "no seccomp filter", mode, limiter };
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
      seccompFile,
      dir: runnerDir,
    });
    await probeCgroup?.remove();
    status = { ok: failure === null, reason: failure ?? note, mode, limiter };
  }
  if (!status.ok) log.error(`Code runner: sandbox unavailable — ${status.reason}`);
  else if (note) log.warn(`Code runner: ${note}`);
  const compileCache = new CompileCache(workRoot, tools, compileLimits, log);
  if (status.ok) compileCache.build();

  return {
    status,
    languages: await languages,
    tools,
    layout,
    runnerDir,
    bins,
    seccompFile,
    ids: { uid, gid, dropPrivileges: isRoot },
    cgroups,
    runDefaults,
    compileLimits,
    compileCache,
    warmLaunchers: options.warmLaunchers ?? 2,
    log,
  };
}
