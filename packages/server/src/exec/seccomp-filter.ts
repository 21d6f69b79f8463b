import { endianness } from "node:os";
import { BpfAssembler } from "./bpf.ts";
import { ARCHES, DENIED_SYSCALLS, type FilteredSyscall, type SeccompArch } from "./seccomp-syscalls.ts";

/**
 * The seccomp filter every sandboxed program (and compiler) runs under, the sandbox's last
 * layer (bwrap `--seccomp`, applied just before the program is executed). Modelled on the
 * container engines' default profile, as a deny list: syscalls that inspect or change other
 * processes (ptrace, process_vm_*, kcmp, pidfd_getfd), the kernel's keyrings, eBPF, perf,
 * userfaultfd, io_uring, every mount API, namespaces (setns, and clone/unshare with a
 * CLONE_NEW* flag), kernel modules, kexec, reboot, swap, clocks, accounting, quotas, file
 * handles, fanotify, the kernel log, and personality changes (other than the harmless values)
 * fail with EPERM. clone3 fails with ENOSYS (its flags are in memory a filter cannot read),
 * so the C library falls back to clone, whose flags it can. A syscall of another ABI (i386 or
 * x32 on x86_64) kills the process. Everything else is allowed: the five languages, the JVM's
 * threads and Node's workers work as before.
 */

/** seccomp return actions (linux/seccomp.h). */
export const SECCOMP_RET = {
  KILL_PROCESS: 0x8000_0000,
  ERRNO: 0x0005_0000,
  ALLOW: 0x7fff_0000,
} as const;

export const EPERM = 1;
export const ENOSYS = 38;

/** Offsets in `struct seccomp_data`: nr, arch, then the u64 args (their low word on little-endian hosts). */
export const SECCOMP_DATA = {
  nr: 0,
  arch: 4,
  argLow: (index: number) => 16 + 8 * index,
} as const;

/** Syscalls x86_64 numbers with this bit set are the x32 ABI's. */
const X32_SYSCALL_BIT = 0x4000_0000;

/** Every CLONE_NEW* flag: mount, cgroup, uts, ipc, user, pid, net (CLONE_NEWTIME, 0x80, below). */
const CLONE_NEW_NAMESPACES =
  0x0002_0000 | 0x0200_0000 | 0x0400_0000 | 0x0800_0000 | 0x1000_0000 | 0x2000_0000 | 0x4000_0000;
/** unshare also takes CLONE_NEWTIME; for clone that bit is part of the exit signal. */
const CLONE_NEWTIME = 0x80;

/** personality() values a program may set: PER_LINUX, PER_LINUX32, UNAME26 variants, and the query. */
const ALLOWED_PERSONALITIES = [0x0, 0x8, 0x2_0000, 0x2_0008, 0xffff_ffff];

/** Why no filter can be built for this host. */
export class SeccompUnsupportedError extends Error {}

/** The architecture description of `arch` (a `process.arch` value); throws SeccompUnsupportedError. */
export function seccompArch(arch: string = process.arch): SeccompArch {
  const found = (ARCHES as Record<string, SeccompArch | undefined>)[arch];
  if (!found || endianness() !== "LE") {
    throw new SeccompUnsupportedError(
      `no seccomp filter for this architecture (${arch}, ${endianness()}): only x86_64 and arm64 are supported`,
    );
  }
  return found;
}

/**
 * The sandbox's seccomp filter for `arch` (default: this host's) as bwrap's `--seccomp` reads
 * it (see the module comment for what it denies). Throws SeccompUnsupportedError for an
 * architecture it has no syscall table for: the sandbox is then unavailable, never unfiltered.
 */
export function buildSeccompFilter(arch: string = process.arch): Buffer {
  const table = seccompArch(arch);
  const nr = (name: FilteredSyscall) => table.numbers[name];
  const errno = (code: number) => SECCOMP_RET.ERRNO | code;
  const bpf = new BpfAssembler();
  bpf.load(SECCOMP_DATA.arch).jump("eq", table.audit, null, "kill");
  bpf.load(SECCOMP_DATA.nr);
  if (table.x32) bpf.jump("ge", X32_SYSCALL_BIT, "kill");
  for (const name of DENIED_SYSCALLS) {
    const number = nr(name);
    if (number !== undefined) bpf.jump("eq", number, "eperm");
  }
  bpf.jump("eq", nr("clone3") as number, "enosys");
  bpf.jump("eq", nr("clone") as number, "clone");
  bpf.jump("eq", nr("unshare") as number, "unshare");
  bpf.jump("eq", nr("personality") as number, "personality");
  bpf.ret(SECCOMP_RET.ALLOW);
  // The flags are args[0] of clone (on both architectures) and of unshare; all in the low word.
  bpf.label("clone").load(SECCOMP_DATA.argLow(0)).jump("set", CLONE_NEW_NAMESPACES, "eperm", "allow");
  bpf
    .label("unshare")
    .load(SECCOMP_DATA.argLow(0))
    .jump("set", CLONE_NEW_NAMESPACES | CLONE_NEWTIME, "eperm", "allow");
  // personality(2) takes an unsigned int: the low word is all of it.
  bpf.label("personality").load(SECCOMP_DATA.argLow(0));
  for (const value of ALLOWED_PERSONALITIES) bpf.jump("eq", value, "allow");
  bpf.label("eperm").ret(errno(EPERM));
  bpf.label("allow").ret(SECCOMP_RET.ALLOW);
  bpf.label("enosys").ret(errno(ENOSYS));
  bpf.label("kill").ret(SECCOMP_RET.KILL_PROCESS);
  return bpf.assemble();
}
