import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseProcCgroup, readCounter } from "./cgroup-files.ts";
import { cgroupLimitWrites } from "./cgroup-limits.ts";
import { CgroupManager } from "./cgroups.ts";

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

describe("CgroupManager on a stand-in cgroup tree", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "observer-cgroupfs-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const read = (...parts: string[]) => readFileSync(path.join(root, ...parts), "utf8");

  it("v2: enables memory, pids and cpu below the server's cgroup and writes each run's limits", async () => {
    mkdirSync(path.join(root, "svc"));
    writeFileSync(path.join(root, "cgroup.controllers"), "cpuset cpu io memory pids\n");
    writeFileSync(path.join(root, "svc", "cgroup.controllers"), "cpu memory pids\n");
    const manager = await CgroupManager.open({ root, procCgroup: "0::/svc\n", cpus: 1 });
    if (!(manager instanceof CgroupManager)) throw new Error(manager.error);
    expect(manager.version).toBe("v2");
    expect(read("svc", "cgroup.subtree_control")).toBe("+memory +pids +cpu");
    const base = readdirSync(path.join(root, "svc")).find((d) => d.startsWith("observer-runs-")) as string;
    expect(read("svc", base, "cgroup.subtree_control")).toBe("+memory +pids +cpu");
    expect(read("svc", base, "cpu.weight")).toBe("50");
    const cgroup = await manager.create("l1");
    await cgroup.limit({ memoryBytes: 1 << 28, processes: 64 });
    expect(cgroup.procsFiles).toEqual([path.join(root, "svc", base, "l1", "cgroup.procs")]);
    expect(read("svc", base, "l1", "memory.max")).toBe(String(1 << 28));
    expect(read("svc", base, "l1", "memory.swap.max")).toBe("0");
    expect(read("svc", base, "l1", "pids.max")).toBe("64");
    expect(read("svc", base, "l1", "cpu.max")).toBe("100000 100000");
    writeFileSync(path.join(root, "svc", base, "l1", "memory.events"), "oom 1\noom_kill 1\n");
    writeFileSync(path.join(root, "svc", base, "l1", "pids.events"), "max 3\n");
    expect(cgroup.oomKills()).toBe(1);
    expect(cgroup.processLimitHit()).toBe(true);
  });

  it("v2: refuses a cgroup without the memory controller delegated", async () => {
    writeFileSync(path.join(root, "cgroup.controllers"), "cpu pids\n");
    const result = await CgroupManager.open({ root, procCgroup: "0::/\n" });
    expect(result).toEqual({ error: expect.stringMatching(/controller memory is not delegated/) });
  });

  it("v1: one directory per controller, nested where the server is in each hierarchy", async () => {
    for (const c of ["memory", "pids"]) {
      mkdirSync(path.join(root, c, "srv"), { recursive: true });
      writeFileSync(path.join(root, c, "cgroup.procs"), "");
    }
    const manager = await CgroupManager.open({ root, procCgroup: "4:memory:/srv\n8:pids:/\n0::/\n" });
    if (!(manager instanceof CgroupManager)) throw new Error(manager.error);
    expect(manager.version).toBe("v1");
    const cgroup = await manager.create("l2");
    await cgroup.limit({ memoryBytes: 1 << 27, processes: 32 });
    const [memoryProcs, pidsProcs] = cgroup.procsFiles;
    expect(memoryProcs).toMatch(new RegExp(`^${root}/memory/srv/observer-runs-\\d+-\\d+/l2/cgroup.procs$`));
    expect(pidsProcs).toMatch(new RegExp(`^${root}/pids/observer-runs-\\d+-\\d+/l2/cgroup.procs$`));
    const memoryDir = path.dirname(memoryProcs as string);
    expect(readFileSync(path.join(memoryDir, "memory.limit_in_bytes"), "utf8")).toBe(String(1 << 27));
    expect(readFileSync(path.join(path.dirname(pidsProcs as string), "pids.max"), "utf8")).toBe("32");
    // Raising memory later raises memory+swap too (v1 keeps memory <= memory+swap).
    await cgroup.limit({ memoryBytes: 1 << 29, processes: 32 });
    expect(readFileSync(path.join(memoryDir, "memory.memsw.limit_in_bytes"), "utf8")).toBe(String(1 << 29));
  });

  it("v1: refuses when the pids hierarchy is missing", async () => {
    mkdirSync(path.join(root, "memory"));
    writeFileSync(path.join(root, "memory", "cgroup.procs"), "");
    const result = await CgroupManager.open({ root, procCgroup: "4:memory:/\n" });
    expect(result).toEqual({ error: expect.stringMatching(/v1 pids hierarchy not mounted/) });
  });
});
