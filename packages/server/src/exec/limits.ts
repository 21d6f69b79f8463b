/** What one phase of a run (the compiler, or the program) may use. */
export interface RunLimits {
  /** Wall-clock time, then the run is killed (timedOut). */
  wallTimeMs: number;
  /** CPU time per process (RLIMIT_CPU, whole seconds, rounded up). */
  cpuTimeMs: number;
  /** Memory of all processes together (cgroup), or per-language heap flags without cgroups. */
  memoryBytes: number;
  /** Processes and threads together (pids cgroup; RLIMIT_NPROC as a backstop). */
  processes: number;
  /** Largest file a process may write (RLIMIT_FSIZE). */
  fileSizeBytes: number;
  /** Open file descriptors per process (RLIMIT_NOFILE). */
  openFiles: number;
  /** Size of the writable work dir and of /tmp (each a tmpfs of this size). */
  diskBytes: number;
  /** Terminal output kept and shown; past it the run is killed and marked outputTruncated. */
  outputBytes: number;
  /** Input accepted for the whole run; more is dropped with a notice. */
  stdinBytes: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Defaults of a program run: interactive, so 30 s of wall time. */
export const DEFAULT_RUN_LIMITS: Readonly<RunLimits> = Object.freeze({
  wallTimeMs: 30_000,
  cpuTimeMs: 10_000,
  memoryBytes: 256 * MiB,
  processes: 128,
  fileSizeBytes: 16 * MiB,
  openFiles: 256,
  diskBytes: 64 * MiB,
  outputBytes: 1 * MiB,
  stdinBytes: 64 * KiB,
});

/** Defaults of a compile step (gcc, g++, javac): more memory and processes, less wall time. */
export const DEFAULT_COMPILE_LIMITS: Readonly<RunLimits> = Object.freeze({
  wallTimeMs: 20_000,
  cpuTimeMs: 15_000,
  memoryBytes: 768 * MiB,
  processes: 256,
  fileSizeBytes: 64 * MiB,
  openFiles: 1024,
  diskBytes: 256 * MiB,
  outputBytes: 1 * MiB,
  stdinBytes: 0,
});

/** Allowed range of each limit: wide, but no zero wall time and no memory too small to start a runtime. */
const RANGES: Record<keyof RunLimits, [min: number, max: number]> = {
  wallTimeMs: [100, 3_600_000],
  cpuTimeMs: [100, 3_600_000],
  memoryBytes: [16 * MiB, 64 * GiB],
  processes: [4, 100_000],
  fileSizeBytes: [1 * KiB, 16 * GiB],
  openFiles: [16, 1_048_576],
  diskBytes: [1 * MiB, 16 * GiB],
  outputBytes: [1 * KiB, 256 * MiB],
  stdinBytes: [0, 256 * MiB],
};

/**
 * Applies overrides to a base set of limits, checking each value is a whole number in its
 * range. Throws a RangeError naming every bad field.
 */
export function resolveLimits(base: Readonly<RunLimits>, overrides: Partial<RunLimits> = {}): RunLimits {
  const limits: RunLimits = { ...base };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(overrides) as [keyof RunLimits, number | undefined][]) {
    if (value === undefined) continue;
    const range = RANGES[key];
    if (!range) {
      problems.push(`${key}: unknown limit`);
      continue;
    }
    if (!Number.isInteger(value) || value < range[0] || value > range[1]) {
      problems.push(`${key}: must be a whole number from ${range[0]} to ${range[1]}`);
      continue;
    }
    limits[key] = value;
  }
  if (problems.length > 0) throw new RangeError(`Invalid run limits: ${problems.join("; ")}`);
  return limits;
}

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: KiB,
  kb: KiB,
  kib: KiB,
  m: MiB,
  mb: MiB,
  mib: MiB,
  g: GiB,
  gb: GiB,
  gib: GiB,
};

/** Parses a size such as "1048576", "64k", "256M", "1.5GiB" (binary units; case-insensitive). */
export function parseBytes(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? BYTE_UNITS[(match[2] ?? "").toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new RangeError(`"${text}" is not a size (examples: 65536, 64k, 256M, 1G)`);
  }
  return Math.round(Number(match[1]) * unit);
}

const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000 };

/** Parses a duration with its unit: "500ms", "30s", "1.5s", "2m". A bare number is refused (seconds or ms?). */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const unit = match ? TIME_UNITS[(match[2] ?? "").toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new RangeError(`"${text}" is not a duration with a unit (examples: 500ms, 30s, 2m)`);
  }
  return Math.round(Number(match[1]) * unit);
}

/** Limits as an operator writes them (e.g. from environment variables); every field optional. */
export interface LimitSettings {
  wallTime?: string;
  cpuTime?: string;
  memory?: string;
  processes?: string;
  fileSize?: string;
  openFiles?: string;
  disk?: string;
  output?: string;
  stdin?: string;
}

/**
 * Turns operator settings into limit overrides, checked against the allowed ranges. Throws a
 * RangeError listing every bad setting.
 */
export function parseLimitSettings(settings: LimitSettings): Partial<RunLimits> {
  const out: Partial<RunLimits> = {};
  const problems: string[] = [];
  const take = (key: keyof RunLimits, raw: string | undefined, parse: (s: string) => number) => {
    if (raw === undefined || raw.trim() === "") return;
    try {
      out[key] = parse(raw);
    } catch (err) {
      problems.push(`${key}: ${(err as Error).message}`);
    }
  };
  const count = (s: string) => {
    if (!/^\s*\d+\s*$/.test(s)) throw new RangeError(`"${s}" is not a whole number`);
    return Number(s);
  };
  take("wallTimeMs", settings.wallTime, parseDuration);
  take("cpuTimeMs", settings.cpuTime, parseDuration);
  take("memoryBytes", settings.memory, parseBytes);
  take("processes", settings.processes, count);
  take("fileSizeBytes", settings.fileSize, parseBytes);
  take("openFiles", settings.openFiles, count);
  take("diskBytes", settings.disk, parseBytes);
  take("outputBytes", settings.output, parseBytes);
  take("stdinBytes", settings.stdin, parseBytes);
  if (problems.length > 0) throw new RangeError(`Invalid run limits: ${problems.join("; ")}`);
  resolveLimits(DEFAULT_RUN_LIMITS, out);
  return out;
}

/** The CPU time limit as RLIMIT_CPU applies it: whole seconds, rounded up, at least 1. */
export function cpuLimitSeconds(limits: RunLimits): number {
  return Math.max(1, Math.ceil(limits.cpuTimeMs / 1000));
}

/**
 * The per-process limits of a phase as the launcher applies them with bash's `ulimit` before
 * it executes bwrap (no extra process): "option=value" words; CPU time set soft and hard one
 * second above, then soft lowered (SIGXCPU at the soft limit, SIGKILL a second later); sizes in KiB. `addressSpaceBytes`
 * sets RLIMIT_AS: only for C, C++ and Python without a memory cgroup, since a small address
 * space stops Node and the JVM from starting. The process count is not here: see nprocArgs.
 */
export function ulimitSpec(limits: RunLimits, addressSpaceBytes?: number): string {
  const cpuSoft = cpuLimitSeconds(limits);
  const words = [
    `-t=${cpuSoft + 1}`,
    `-St=${cpuSoft}`,
    `-f=${Math.max(1, Math.floor(limits.fileSizeBytes / 1024))}`,
    `-n=${limits.openFiles}`,
    "-c=0",
  ];
  if (addressSpaceBytes !== undefined) words.push(`-v=${Math.floor(addressSpaceBytes / 1024)}`);
  return words.join(" ");
}

/**
 * `prlimit` options setting RLIMIT_NPROC inside the sandbox, for hosts without a pids cgroup.
 * It must be set inside: counted per user, it would also count other runs' processes when
 * bwrap itself forks.
 */
export function nprocArgs(limits: RunLimits): string[] {
  return [`--nproc=${limits.processes}`, "--"];
}

/** The OBSERVER_RUN_* settings a server and a runner both read. */
export interface RunLimitEnv {
  OBSERVER_RUN_MEMORY?: string;
  OBSERVER_RUN_CPU_TIME?: string;
  OBSERVER_RUN_PROCESSES?: string;
  OBSERVER_RUN_OUTPUT?: string;
}

/** The operator's limit settings as overrides, or the problem to report (named as in the environment). */
export function runLimitsFromEnv(e: RunLimitEnv): { limits: Partial<RunLimits> } | { problem: string } {
  try {
    return {
      limits: parseLimitSettings({
        memory: e.OBSERVER_RUN_MEMORY,
        cpuTime: e.OBSERVER_RUN_CPU_TIME,
        processes: e.OBSERVER_RUN_PROCESSES,
        output: e.OBSERVER_RUN_OUTPUT,
      }),
    };
  } catch (err) {
    return { problem: `OBSERVER_RUN_*: ${(err as Error).message}` };
  }
}

/** Why OBSERVER_SANDBOX=none is refused in production (a server's and a runner's settings alike). */
export const NO_SANDBOX_IN_PRODUCTION =
  "OBSERVER_SANDBOX: 'none' runs student code without a sandbox; it is refused when NODE_ENV=production";
