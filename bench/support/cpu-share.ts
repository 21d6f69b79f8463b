import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { round } from "./stats.ts";

// The share of the machine's CPU each part of a deployment takes over a window, from /proc (in
// clock ticks, the unit of /proc/stat and of /proc/<pid>/stat alike): the machine's totals
// from /proc/stat, each process's utime + stime from its stat file, and for a process tree the
// ticks of its live descendants plus the ticks of the ones that have exited (cutime + cstime,
// which the kernel adds to a parent when it reaps a child) — so the sandboxed programs that
// start and end inside the window are counted by the runner that started them. A process
// orphaned on its way out (a sandbox's inner process whose parent was killed first) is reaped
// by init and lost to its tree: where cgroup v1's cpuacct hierarchy can be written (root), each
// deployment process is put in a cpuacct group of its own right after it is spawned, before
// it starts anything, and its tree is what that group used, whoever reaped its processes.

/** Clock ticks per second (the unit of /proc's times). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const CPUACCT = "/sys/fs/cgroup/cpuacct";

/** A process tree's CPU as a cgroup v1 cpuacct group counts it (exited processes included). */
export interface CpuAccount {
  /** CPU used by everything in the group since it was made, in clock ticks. */
  ticks(): number;
  /** Moves what is left in it to the root group and removes it. */
  remove(): void;
}

/**
 * Puts `pid` (just spawned: nothing of its own started yet) in a new cpuacct group, so that
 * everything it starts is counted there. Null where that cannot be done (cgroup v2, no root):
 * the process tree in /proc is used then.
 */
export function accountCpu(pid: number, label: string): CpuAccount | null {
  const dir = `${CPUACCT}/observer-bench-${process.pid}-${label}`;
  try {
    mkdirSync(dir);
    writeFileSync(`${dir}/cgroup.procs`, String(pid));
  } catch {
    return null;
  }
  return {
    ticks: () => (Number(readOptional(`${dir}/cpuacct.usage`) ?? 0) / 1e9) * CLOCK_TICKS,
    remove() {
      for (const left of (readOptional(`${dir}/cgroup.procs`) ?? "").split("\n").filter(Boolean)) {
        try {
          writeFileSync(`${CPUACCT}/cgroup.procs`, left);
        } catch {
          // ended meanwhile
        }
      }
      try {
        rmdirSync(dir);
      } catch {
        // a process that has not quite ended: the group is empty and harmless
      }
    },
  };
}

function readOptional(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

interface Ticks {
  /** utime + stime of the process itself (all its threads). */
  own: number;
  /** cutime + cstime: its children that have exited and been reaped. */
  reaped: number;
}

/** A process's ticks, or null when it is gone. */
function ticksOf(pid: number): Ticks | null {
  const stat = readOptional(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // The command name (field 2) may hold spaces and parentheses: fields are counted after it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const n = (i: number) => Number(fields[i] ?? 0);
  return { own: n(11) + n(12), reaped: n(13) + n(14) };
}

function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((tid) =>
    (readOptional(`/proc/${pid}/task/${tid}/children`) ?? "").split(" ").filter(Boolean).map(Number),
  );
}

/**
 * The ticks of a process's descendants, the exited ones included (not of the process itself);
 * the live ones are added to `seen`.
 */
function descendantTicks(pid: number, seen: Set<number>): number {
  let sum = ticksOf(pid)?.reaped ?? 0;
  for (const child of childrenOf(pid)) {
    const t = ticksOf(child);
    seen.add(child);
    if (t) sum += t.own + descendantTicks(child, seen);
  }
  return sum;
}

/** Every process's own ticks and command, to say what the rest of the machine's busy time was. */
function allProcesses(): Map<number, { own: number; reaped: number; comm: string }> {
  const all = new Map<number, { own: number; reaped: number; comm: string }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const t = ticksOf(pid);
    if (t) all.set(pid, { ...t, comm: (readOptional(`/proc/${entry}/comm`) ?? "?").trim() });
  }
  return all;
}

/** Machine-wide busy and total ticks (all cores). */
function machineTicks(): { busy: number; total: number } {
  const line = (readOptional("/proc/stat") ?? "").split("\n")[0] ?? "";
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/** Every process whose command (comm) is `comm`, with its command line. */
function processesNamed(comm: string): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    if ((readOptional(`/proc/${entry}/comm`) ?? "").trim() !== comm) continue;
    const cmdline = (readOptional(`/proc/${entry}/cmdline`) ?? "").replaceAll("\0", " ").trim();
    found.push({ pid: Number(entry), cmdline });
  }
  return found;
}

/** A PostgreSQL backend's title: `postgres: 15/main: <user> <database> <client> <state>`. */
const BACKEND_TITLE = /^postgres: [^:]+: \S+ (\S+) (\S+\(\d+\)|\[local\])/;

/**
 * The PostgreSQL processes that work for `databases`: their backends, plus the server's own
 * processes shared by every database (postmaster, WAL writer, checkpointer, background writer,
 * autovacuum). Backends of other databases (other test suites on the machine) are left out.
 */
function postgresPids(databases: ReadonlySet<string>): number[] {
  return processesNamed("postgres")
    .filter(({ cmdline }) => {
      const backend = BACKEND_TITLE.exec(cmdline);
      return backend === null || databases.has(backend[1] as string);
    })
    .map((p) => p.pid);
}

/** The redis-server listening on `port`. */
function redisPids(port: number): number[] {
  return processesNamed("redis-server")
    .filter(({ cmdline }) => cmdline.endsWith(`:${port}`) || cmdline.includes(`:${port} `))
    .map((p) => p.pid);
}

/** The parts of a deployment whose CPU is measured. */
export interface CpuParts {
  /** Server instances' node processes, by name, with their cpuacct groups where there are. */
  instances: Record<string, TreeRoot>;
  /** Runners' node processes, by name. */
  runners: Record<string, TreeRoot>;
  /** Databases whose backends count as the deployment's PostgreSQL. */
  databases: string[];
  /** The Redis port. */
  redisPort: number;
}

export interface TreeRoot {
  pid: number;
  account: CpuAccount | null;
}

interface Snapshot {
  machine: { busy: number; total: number };
  own: Map<number, number>;
  descendants: Map<number, number>;
  postgres: Map<number, number>;
  redis: Map<number, number>;
  /** Every process, and the ones counted in a part above. */
  all: Map<number, { own: number; reaped: number; comm: string }>;
  counted: Set<number>;
}

function snapshot(parts: CpuParts): Snapshot {
  const roots = [...Object.values(parts.instances), ...Object.values(parts.runners)];
  const counted = new Set<number>([process.pid, ...roots.map((r) => r.pid)]);
  // This process's descendants are the deployment itself: only its own ticks count as the load.
  const own = new Map<number, number>([[process.pid, ticksOf(process.pid)?.own ?? 0]]);
  const descendants = new Map<number, number>();
  for (const { pid, account } of roots) {
    const self = ticksOf(pid)?.own ?? 0;
    own.set(pid, self);
    const tree = descendantTicks(pid, counted);
    descendants.set(pid, account ? account.ticks() - self : tree);
  }
  const ticksOfAll = (pids: number[]) => {
    for (const pid of pids) counted.add(pid);
    return new Map(pids.map((pid) => [pid, ticksOf(pid)?.own ?? 0]));
  };
  const postgres = ticksOfAll(postgresPids(new Set(parts.databases)));
  const redis = ticksOfAll(redisPids(parts.redisPort));
  // This process's other children (tsx's esbuild) are the load generator's.
  for (const child of childrenOf(process.pid)) counted.add(child);
  return { machine: machineTicks(), own, descendants, postgres, redis, all: allProcesses(), counted };
}

/** Ticks used between two snapshots: processes started in between count from 0, ended ones drop out. */
function used(before: Map<number, number>, after: Map<number, number>, pids?: number[]): number {
  let sum = 0;
  for (const [pid, end] of after) if (!pids || pids.includes(pid)) sum += end - (before.get(pid) ?? 0);
  return sum;
}

/** One part's CPU over the window: % of the whole machine (all cores), and in cores. */
export interface CpuShare {
  part: string;
  machinePercent: number;
  cores: number;
}

export interface CpuWindow {
  cores: number;
  windowMs: number;
  /** The machine busy, % of all its cores. */
  machineBusyPercent: number;
  parts: CpuShare[];
  /**
   * The largest of the rest, by command: processes alive at the end (the kernel's threads
   * included) and the children that others reaped in the window (they may overlap the parts).
   */
  restLargest: CpuShare[];
}

/**
 * Starts measuring the parts' CPU; `end()` returns each part's share over the window: every
 * instance and runner (their node processes), what the instances and the runners started (the
 * pty host, launchers, bwrap and the sandboxed programs: "runs"), PostgreSQL, Redis, this load
 * generator, and the rest of the machine's busy time (other processes: other suites here).
 */
export function measureCpu(parts: CpuParts): { end(): CpuWindow } {
  const before = snapshot(parts);
  const started = performance.now();
  return {
    end() {
      const after = snapshot(parts);
      const windowMs = performance.now() - started;
      const total = after.machine.total - before.machine.total;
      const cores = availableParallelism();
      const share = (part: string, ticks: number): CpuShare => ({
        part,
        machinePercent: round((ticks / total) * 100, 1),
        cores: round((ticks / total) * cores, 2),
      });
      const rows: CpuShare[] = [];
      let accounted = 0;
      const add = (part: string, ticks: number) => {
        accounted += ticks;
        rows.push(share(part, ticks));
      };
      for (const [name, { pid }] of Object.entries(parts.instances))
        add(`${name} (node)`, used(before.own, after.own, [pid]));
      for (const [name, { pid }] of Object.entries(parts.runners))
        add(`${name} (node)`, used(before.own, after.own, [pid]));
      const roots = [...Object.values(parts.instances), ...Object.values(parts.runners)].map((r) => r.pid);
      add("runs (pty host, launchers, bwrap, programs)", used(before.descendants, after.descendants, roots));
      add("PostgreSQL", used(before.postgres, after.postgres));
      add("Redis", used(before.redis, after.redis));
      add("load generator (this process)", used(before.own, after.own, [process.pid]));
      const busy = after.machine.busy - before.machine.busy;
      rows.push(share("rest (other processes on the machine)", Math.max(0, busy - accounted)));
      const byComm = new Map<string, number>();
      for (const [pid, { own, reaped, comm }] of after.all) {
        if (after.counted.has(pid) || before.counted.has(pid)) continue;
        const ticks = own - (before.all.get(pid)?.own ?? 0);
        if (ticks > 0) byComm.set(comm, (byComm.get(comm) ?? 0) + ticks);
        // Children that ended in the window, counted by whoever reaped them (init reaps orphans).
        const children = reaped - (before.all.get(pid)?.reaped ?? 0);
        const key = `children reaped by ${comm} (${pid})`;
        if (children > 0) byComm.set(key, (byComm.get(key) ?? 0) + children);
      }
      return {
        cores,
        windowMs: Math.round(windowMs),
        machineBusyPercent: round((busy / total) * 100, 1),
        parts: rows,
        restLargest: [...byComm]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 5)
          .map(([comm, ticks]) => share(comm, ticks)),
      };
    },
  };
}
