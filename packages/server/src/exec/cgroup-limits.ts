/** The control-file writes that set a run's memory, process and CPU limits, for cgroup v1 and v2. Pure. */

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
