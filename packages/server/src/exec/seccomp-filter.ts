import { endianness } from "node:os";
import { BpfAssembler } from "./bpf.ts";

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

/** AUDIT_ARCH_* values (linux/audit.h). */
export const AUDIT_ARCH = { x86_64: 0xc000_003e, aarch64: 0xc000_00b7 } as const;

/** Syscalls x86_64 numbers with this bit set are the x32 ABI's. */
const X32_SYSCALL_BIT = 0x4000_0000;

/** Every CLONE_NEW* flag: mount, cgroup, uts, ipc, user, pid, net (CLONE_NEWTIME, 0x80, below). */
const CLONE_NEW_NAMESPACES =
  0x0002_0000 | 0x0200_0000 | 0x0400_0000 | 0x0800_0000 | 0x1000_0000 | 0x2000_0000 | 0x4000_0000;
/** unshare also takes CLONE_NEWTIME; for clone that bit is part of the exit signal. */
const CLONE_NEWTIME = 0x80;

/** personality() values a program may set: PER_LINUX, PER_LINUX32, UNAME26 variants, and the query. */
const ALLOWED_PERSONALITIES = [0x0, 0x8, 0x2_0000, 0x2_0008, 0xffff_ffff];

/** Syscalls that always fail with EPERM. */
export const DENIED_SYSCALLS = [
  "ptrace",
  "process_vm_readv",
  "process_vm_writev",
  "process_madvise",
  "pidfd_getfd",
  "kcmp",
  "keyctl",
  "add_key",
  "request_key",
  "bpf",
  "perf_event_open",
  "userfaultfd",
  "io_uring_setup",
  "io_uring_enter",
  "io_uring_register",
  "mount",
  "umount2",
  "pivot_root",
  "open_tree",
  "move_mount",
  "fsopen",
  "fsconfig",
  "fsmount",
  "fspick",
  "mount_setattr",
  "setns",
  "kexec_load",
  "kexec_file_load",
  "init_module",
  "finit_module",
  "delete_module",
  "create_module",
  "get_kernel_syms",
  "query_module",
  "acct",
  "swapon",
  "swapoff",
  "reboot",
  "settimeofday",
  "clock_settime",
  "clock_adjtime",
  "adjtimex",
  "open_by_handle_at",
  "name_to_handle_at",
  "iopl",
  "ioperm",
  "modify_ldt",
  "quotactl",
  "quotactl_fd",
  "lookup_dcookie",
  "fanotify_init",
  "vhangup",
  "syslog",
  "uselib",
  "ustat",
  "sysfs",
  "_sysctl",
  "nfsservctl",
] as const;

type FilteredSyscall = (typeof DENIED_SYSCALLS)[number] | "clone" | "clone3" | "unshare" | "personality";

/** One architecture: its AUDIT_ARCH value and syscall numbers (absent: no such syscall there). */
export interface SeccompArch {
  name: string;
  audit: number;
  /** x86_64: refuse the x32 ABI's numbers. */
  x32: boolean;
  numbers: Partial<Record<FilteredSyscall, number>>;
}

/** From the kernel's uapi headers (asm/unistd_64.h, asm-generic/unistd.h). */
export const ARCHES: Record<"x64" | "arm64", SeccompArch> = {
  x64: {
    name: "x86_64",
    audit: AUDIT_ARCH.x86_64,
    x32: true,
    numbers: {
      ptrace: 101,
      process_vm_readv: 310,
      process_vm_writev: 311,
      process_madvise: 440,
      pidfd_getfd: 438,
      kcmp: 312,
      keyctl: 250,
      add_key: 248,
      request_key: 249,
      bpf: 321,
      perf_event_open: 298,
      userfaultfd: 323,
      io_uring_setup: 425,
      io_uring_enter: 426,
      io_uring_register: 427,
      mount: 165,
      umount2: 166,
      pivot_root: 155,
      open_tree: 428,
      move_mount: 429,
      fsopen: 430,
      fsconfig: 431,
      fsmount: 432,
      fspick: 433,
      mount_setattr: 442,
      setns: 308,
      kexec_load: 246,
      kexec_file_load: 320,
      init_module: 175,
      finit_module: 313,
      delete_module: 176,
      create_module: 174,
      get_kernel_syms: 177,
      query_module: 178,
      acct: 163,
      swapon: 167,
      swapoff: 168,
      reboot: 169,
      settimeofday: 164,
      clock_settime: 227,
      clock_adjtime: 305,
      adjtimex: 159,
      open_by_handle_at: 304,
      name_to_handle_at: 303,
      iopl: 172,
      ioperm: 173,
      modify_ldt: 154,
      quotactl: 179,
      quotactl_fd: 443,
      lookup_dcookie: 212,
      fanotify_init: 300,
      vhangup: 153,
      syslog: 103,
      uselib: 134,
      ustat: 136,
      sysfs: 139,
      _sysctl: 156,
      nfsservctl: 180,
      clone: 56,
      clone3: 435,
      unshare: 272,
      personality: 135,
    },
  },
  arm64: {
    name: "aarch64",
    audit: AUDIT_ARCH.aarch64,
    x32: false,
    numbers: {
      ptrace: 117,
      process_vm_readv: 270,
      process_vm_writev: 271,
      process_madvise: 440,
      pidfd_getfd: 438,
      kcmp: 272,
      keyctl: 219,
      add_key: 217,
      request_key: 218,
      bpf: 280,
      perf_event_open: 241,
      userfaultfd: 282,
      io_uring_setup: 425,
      io_uring_enter: 426,
      io_uring_register: 427,
      mount: 40,
      umount2: 39,
      pivot_root: 41,
      open_tree: 428,
      move_mount: 429,
      fsopen: 430,
      fsconfig: 431,
      fsmount: 432,
      fspick: 433,
      mount_setattr: 442,
      setns: 268,
      kexec_load: 104,
      kexec_file_load: 294,
      init_module: 105,
      finit_module: 273,
      delete_module: 106,
      acct: 89,
      swapon: 224,
      swapoff: 225,
      reboot: 142,
      settimeofday: 170,
      clock_settime: 112,
      clock_adjtime: 266,
      adjtimex: 171,
      open_by_handle_at: 265,
      name_to_handle_at: 264,
      quotactl: 60,
      quotactl_fd: 443,
      lookup_dcookie: 18,
      fanotify_init: 262,
      vhangup: 58,
      syslog: 116,
      nfsservctl: 42,
      clone: 220,
      clone3: 435,
      unshare: 97,
      personality: 92,
    },
  },
};

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
