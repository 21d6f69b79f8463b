import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runBpf } from "./bpf.ts";
import { buildSeccompFilter, ENOSYS, EPERM, SECCOMP_RET, SeccompUnsupportedError } from "./seccomp-filter.ts";
import { ARCHES, AUDIT_ARCH, DENIED_SYSCALLS } from "./seccomp-syscalls.ts";

const ERRNO_EPERM = SECCOMP_RET.ERRNO | EPERM;
const ERRNO_ENOSYS = SECCOMP_RET.ERRNO | ENOSYS;

/** A `struct seccomp_data` (little-endian): nr, arch, ip, args[6]. */
function seccompData(nr: number, arch: number, args: number[] = []): Buffer {
  const data = Buffer.alloc(64);
  data.writeInt32LE(nr, 0);
  data.writeUInt32LE(arch, 4);
  args.forEach((arg, i) => {
    data.writeBigUInt64LE(BigInt(arg), 16 + 8 * i);
  });
  return data;
}

const CLONE_THREAD_FLAGS = 0x3d0f00; // what glibc's pthread_create passes
const SIGCHLD = 17;
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWNET = 0x40000000;
const CLONE_NEWNS = 0x20000;
const CLONE_NEWTIME = 0x80;

describe.each(["x64", "arm64"] as const)("the seccomp filter on %s", (arch) => {
  const table = ARCHES[arch];
  const filter = buildSeccompFilter(arch);
  const decide = (name: keyof typeof table.numbers, args: number[] = []) =>
    runBpf(filter, seccompData(table.numbers[name] as number, table.audit, args));

  it("fits the kernel's limits (whole instructions, at most 4096)", () => {
    expect(filter.length % 8).toBe(0);
    expect(filter.length / 8).toBeLessThan(4096);
  });

  it("denies every listed syscall the architecture has with EPERM", () => {
    const present = DENIED_SYSCALLS.filter((name) => table.numbers[name] !== undefined);
    expect(present).toContain("ptrace");
    for (const name of present) expect([name, decide(name)]).toEqual([name, ERRNO_EPERM]);
  });

  it("allows ordinary syscalls (read, write, exit, mmap, futex...)", () => {
    const ordinary = arch === "x64" ? [0, 1, 9, 60, 202, 231, 59] : [63, 64, 222, 93, 98, 94, 221];
    for (const nr of ordinary) expect(runBpf(filter, seccompData(nr, table.audit))).toBe(SECCOMP_RET.ALLOW);
  });

  it("allows clone for threads and fork, and refuses it with any new namespace", () => {
    expect(decide("clone", [CLONE_THREAD_FLAGS])).toBe(SECCOMP_RET.ALLOW);
    expect(decide("clone", [SIGCHLD])).toBe(SECCOMP_RET.ALLOW);
    for (const flag of [
      CLONE_NEWUSER,
      CLONE_NEWNET,
      CLONE_NEWNS,
      0x2000000,
      0x4000000,
      0x8000000,
      0x20000000,
    ]) {
      expect(decide("clone", [flag | SIGCHLD])).toBe(ERRNO_EPERM);
    }
  });

  it("allows unshare of files or fs, refuses every namespace (CLONE_NEWTIME too)", () => {
    expect(decide("unshare", [0x400 /* CLONE_FILES */])).toBe(SECCOMP_RET.ALLOW);
    for (const flag of [CLONE_NEWUSER, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWTIME]) {
      expect(decide("unshare", [flag])).toBe(ERRNO_EPERM);
    }
  });

  it("makes clone3 fail with ENOSYS so that the C library falls back to clone", () => {
    expect(decide("clone3")).toBe(ERRNO_ENOSYS);
  });

  it("allows only harmless personality values (and the query)", () => {
    for (const value of [0, 8, 0x20000, 0x20008, 0xffffffff])
      expect(decide("personality", [value])).toBe(SECCOMP_RET.ALLOW);
    expect(decide("personality", [0x0040000 /* ADDR_NO_RANDOMIZE */])).toBe(ERRNO_EPERM);
    expect(decide("personality", [0x0400000 /* READ_IMPLIES_EXEC */])).toBe(ERRNO_EPERM);
  });

  it("kills a process calling through another ABI", () => {
    const other = arch === "x64" ? AUDIT_ARCH.aarch64 : AUDIT_ARCH.x86_64;
    expect(runBpf(filter, seccompData(1, other))).toBe(SECCOMP_RET.KILL_PROCESS);
    expect(runBpf(filter, seccompData(1, 0x40000003 /* i386 */))).toBe(SECCOMP_RET.KILL_PROCESS);
  });
});

describe("the x86_64 filter", () => {
  it("kills x32-ABI syscalls (their numbers have bit 30 set)", () => {
    const filter = buildSeccompFilter("x64");
    expect(runBpf(filter, seccompData(0x40000000 + 101, AUDIT_ARCH.x86_64))).toBe(SECCOMP_RET.KILL_PROCESS);
  });
});

describe.each([
  ["x64", "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"],
  ["arm64", "/usr/include/asm-generic/unistd.h"],
] as const)("the %s syscall table", (arch, header) => {
  it("has the numbers of the kernel headers", () => {
    expect(existsSync(header), `${header} (linux-libc-dev) is needed for this check`).toBe(true);
    const text = readFileSync(header, "utf8");
    for (const [name, nr] of Object.entries(ARCHES[arch].numbers)) {
      expect([name, Number(new RegExp(`#define __NR(?:3264)?_${name}\\s+(\\d+)`).exec(text)?.[1])]).toEqual([
        name,
        nr,
      ]);
    }
  });
});

describe("buildSeccompFilter", () => {
  it("refuses an architecture it has no syscall table for", () => {
    expect(() => buildSeccompFilter("ia32")).toThrow(SeccompUnsupportedError);
    expect(() => buildSeccompFilter("riscv64")).toThrow(/only x86_64 and arm64/);
  });
});
