import { describe, expect, it } from "vitest";
import { cgroupLimitWrites, parseProcCgroup, readCounter } from "./cgroups.ts";

describe("parseProcCgroup", () => {
  it("reads cgroup v1 controllers, including co-mounted ones, skipping named hierarchies", () => {
    const paths = parseProcCgroup(
      "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/abc\n2:cpu,cpuacct:/svc\n0::/\n",
    );
    expect(paths.get("memory")).toBe("/process_api/abc");
    expect(paths.get("pids")).toBe("/");
    expect(paths.get("cpu")).toBe("/svc");
    expect(paths.get("cpuacct")).toBe("/svc");
    expect(paths.has("name=systemd")).toBe(false);
    expect(paths.get("")).toBe("/");
  });

  it("reads the cgroup v2 unified line", () => {
    expect(parseProcCgroup("0::/system.slice/observer.service\n").get("")).toBe(
      "/system.slice/observer.service",
    );
  });
});

describe("cgroupLimitWrites", () => {
  const limits = { memoryBytes: 268435456, processes: 128, cpus: 1 };

  it("v1: memory with swap off, pids, and a CPU quota", () => {
    expect(cgroupLimitWrites("v1", limits, true)).toEqual([
      { controller: "memory", file: "memory.limit_in_bytes", value: "268435456" },
      { controller: "memory", file: "memory.memsw.limit_in_bytes", value: "268435456", optional: true },
      { controller: "memory", file: "memory.swappiness", value: "0", optional: true },
      { controller: "pids", file: "pids.max", value: "128" },
      { controller: "cpu", file: "cpu.cfs_period_us", value: "100000", optional: true },
      { controller: "cpu", file: "cpu.cfs_quota_us", value: "100000", optional: true },
    ]);
  });

  it("v2: memory.max, no swap, pids.max, cpu.max", () => {
    expect(cgroupLimitWrites("v2", { ...limits, cpus: 0.5 }, true)).toEqual([
      { controller: "", file: "memory.max", value: "268435456" },
      { controller: "", file: "memory.swap.max", value: "0", optional: true },
      { controller: "", file: "pids.max", value: "128" },
      { controller: "", file: "cpu.max", value: "50000 100000", optional: true },
    ]);
  });

  it("skips the CPU quota without a cpu controller or a core count", () => {
    expect(cgroupLimitWrites("v1", limits, false).some((w) => w.controller === "cpu")).toBe(false);
    expect(
      cgroupLimitWrites("v2", { memoryBytes: 1, processes: 1 }, true).some((w) => w.file === "cpu.max"),
    ).toBe(false);
  });
});

describe("readCounter", () => {
  it("reads the OOM-kill counter of v1 memory.oom_control and v2 memory.events", () => {
    expect(readCounter("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n", "oom_kill")).toBe(2);
    expect(readCounter("low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\noom_group_kill 0\n", "oom_kill")).toBe(1);
    expect(readCounter("max 0\n", "oom_kill")).toBe(0);
    expect(readCounter("max 17\n", "max")).toBe(17);
  });
});
