/** A host path shown read-only at `dest` inside the sandbox. */
export interface ReadOnlyBind {
  src: string;
  dest: string;
}

/** A symlink inside the sandbox, e.g. /bin -> usr/bin on a merged-/usr host. */
export interface Symlink {
  target: string;
  dest: string;
}

/**
 * The sandbox's /work: the host's run dir bound read-write (compile steps, whose output the
 * run needs), or a size-capped tmpfs holding read-only binds of the given host entries
 * (programs: they may write, but never to the host's disk).
 */
export type WorkMount =
  | { kind: "bind"; hostDir: string }
  | { kind: "tmpfs"; sizeBytes: number; entries: { host: string; name: string }[] };

export interface BwrapOptions {
  /** Toolchain paths and single files (/usr, /etc/ld.so.cache, the synthetic /etc/passwd...). */
  readOnly: ReadOnlyBind[];
  symlinks: Symlink[];
  work: WorkMount;
  /** Size cap of /tmp and of /dev/shm. */
  tmpSizeBytes: number;
  /** The unprivileged ids the program has inside. */
  uid: number;
  gid: number;
  /** The program's whole environment (everything else is cleared). */
  env: Record<string, string>;
  /** The descriptor bwrap reads the seccomp filter from (seccomp-filter.ts); always set: no sandbox runs unfiltered. */
  seccompFd: number;
  command: string[];
}

/**
 * The descriptors the launcher opens for bwrap (see LAUNCH_SCRIPT): the seccomp filter, then
 * bwrap's own options (`--args`), so that they never show in the sandbox's /proc/1/cmdline.
 */
export const BWRAP_FDS = { seccomp: 3, args: 4 } as const;

/** The minimal environment of every sandboxed program. */
export function sandboxEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: "/usr/bin:/bin", HOME: "/work", LANG: "C.UTF-8", TERM: "xterm-256color", ...extra };
}

/**
 * The bubblewrap arguments (without the `bwrap` binary itself) for one sandboxed command:
 * every namespace unshared (user, pid, net — no network, not even loopback —, ipc, uts,
 * cgroup), no capabilities, no nested user namespaces, an unprivileged uid, only the listed
 * paths bound read-only, a fresh /proc and minimal /dev, size-capped /tmp and /dev/shm, a
 * read-only root and /dev, a cleared environment, and the seccomp filter read from
 * `seccompFd`. Pure: the same options give the same argv.
 */
export function buildBwrapArgs(options: BwrapOptions): string[] {
  return [...buildBwrapOptions(options), "--", ...options.command];
}

/**
 * bwrap's options without `--` and the command: what `bwrapArgsFile` writes for `--args`
 * (see buildBwrapArgs for what they do).
 */
export function buildBwrapOptions(options: Omit<BwrapOptions, "command">): string[] {
  const args = [
    "--unshare-all",
    "--unshare-user",
    "--unshare-cgroup",
    "--disable-userns",
    "--die-with-parent",
    "--new-session",
    "--cap-drop",
    "ALL",
    "--uid",
    String(options.uid),
    "--gid",
    String(options.gid),
    "--hostname",
    "sandbox",
  ];
  for (const bind of options.readOnly) args.push("--ro-bind", bind.src, bind.dest);
  for (const link of options.symlinks) args.push("--symlink", link.target, link.dest);
  args.push("--proc", "/proc", "--dev", "/dev");
  args.push("--size", String(options.tmpSizeBytes), "--tmpfs", "/dev/shm");
  args.push("--size", String(options.tmpSizeBytes), "--tmpfs", "/tmp");
  const work = options.work;
  if (work.kind === "bind") {
    args.push("--bind", work.hostDir, "/work");
  } else {
    args.push("--size", String(work.sizeBytes), "--tmpfs", "/work");
    for (const entry of work.entries) {
      if (entry.name.includes("/") || entry.name === "." || entry.name === "..") {
        throw new Error(`invalid work entry name: ${entry.name}`);
      }
      args.push("--ro-bind", entry.host, `/work/${entry.name}`);
    }
  }
  args.push("--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/work", "--clearenv");
  for (const [key, value] of Object.entries(options.env)) args.push("--setenv", key, value);
  if (!Number.isInteger(options.seccompFd) || options.seccompFd < 3)
    throw new Error("a seccomp descriptor is needed");
  args.push("--seccomp", String(options.seccompFd));
  return args;
}

/**
 * bwrap's options as `--args FD` reads them (each NUL-terminated). Passed this way, bwrap's
 * command line — which the sandbox sees as /proc/1/cmdline — is only
 * `bwrap --args FD -- <command>`: no host path (run folder, toolchain binds) shows inside.
 */
export function bwrapArgsFile(bwrapOptions: string[]): Buffer {
  if (bwrapOptions.includes("--")) throw new Error("bwrap's options must not contain --");
  for (const option of bwrapOptions)
    if (option.includes("\0")) throw new Error("a bwrap option contains NUL");
  return Buffer.from(bwrapOptions.map((a) => `${a}\0`).join(""));
}

/** bwrap's argv (after the binary) when its options come from `argsFd` (bwrapArgsFile). */
export function bwrapArgvWithArgsFd(argsFd: number, command: string[]): string[] {
  return ["--args", String(argsFd), "--", ...command];
}

/**
 * The `setpriv` arguments that drop a root server to the sandbox's host uid before bwrap
 * runs, so that nothing inside maps to the host's root (ending with the command that follows).
 */
export function dropPrivilegesArgs(uid: number, gid: number): string[] {
  return [`--reuid=${uid}`, `--regid=${gid}`, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"];
}

/**
 * A bash script run first in the pseudo-terminal, before anything of the student's: it closes
 * every inherited descriptor but stdio (node-pty's fork keeps other terminals' descriptors
 * open), joins the run's cgroups (each `cgroup.procs` path given before `--`), then executes
 * its command with an empty environment. The command is the rest of its arguments, or, when
 * a FIFO path is given, what the server writes there later (NUL-separated, see encodeCommand;
 * the script makes the FIFO, mode 0600, unless it exists): so
 * a launcher can be started and put in its cgroups before a run is asked for (launcher.ts).
 * From the FIFO, the first word list holds the rlimits to set with `ulimit` (limits.ts,
 * ulimitSpec). Either way the command starts with a count N and N files, which the script
 * opens read-only as descriptors 3, 4... for the command (bwrap's seccomp filter and
 * options, BWRAP_FDS). Nothing written (EOF) ends it.
 */
export const LAUNCH_SCRIPT = [
  // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a JS template
  'for f in /proc/$$/fd/*; do f=${f##*/}; [ "$f" -gt 2 ] && eval "exec $f>&-"; done',
  "fifo=$1",
  "shift",
  'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done',
  "shift",
  'if [ "$fifo" != - ]; then',
  // Made here, not by the server: a fork of the (large) server process blocks its event loop.
  '  [ -p "$fifo" ] || /usr/bin/mkfifo -m 600 -- "$fifo" || exit 125',
  '  mapfile -d "" -t args < "$fifo" || exit 125',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a JS template
  '  for l in ${args[0]}; do ulimit "${l%%=*}" "${l#*=}" || exit 125; done',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: bash array expansion, not a JS template
  '  set -- "${args[@]:1}"',
  "fi",
  "[ $# -gt 0 ] || exit 0",
  // The files to open as descriptors 3, 4... (at most 3-9: bash keeps 10 and up for itself).
  "n=$1",
  "shift",
  'case "$n" in [0-7]) ;; *) exit 125 ;; esac',
  "fd=3",
  'while [ "$n" -gt 0 ]; do eval "exec $fd<\\"\\$1\\"" || exit 125; shift; fd=$((fd + 1)); n=$((n - 1)); done',
  "[ $# -gt 0 ] || exit 0",
  'exec -c "$@"',
].join("\n");

/** Exit status of the launch script when it cannot join a cgroup or read its command. */
export const LAUNCH_FAILED_EXIT = 125;

/**
 * The argv (after `/bin/bash`) of the launch script: join `cgroupProcsFiles`, then run
 * `command` with `inputFiles` open as descriptors 3, 4..., or (command null) wait for the
 * command on `fifo`.
 */
export function launchArgs(
  cgroupProcsFiles: string[],
  command: string[] | null,
  fifo?: string,
  inputFiles: string[] = [],
): string[] {
  if (command === null && !fifo) throw new Error("launchArgs: a command or a FIFO is needed");
  return [
    // bash reads ~/.bashrc when its stdin is a socket (it takes that for sshd): --norc.
    "--norc",
    "--noprofile",
    "-c",
    LAUNCH_SCRIPT,
    "observer-launch",
    command === null ? (fifo as string) : "-",
    ...cgroupProcsFiles,
    "--",
    ...(command === null ? [] : [...inputFileArgs(inputFiles), ...command]),
  ];
}

/** The count and paths of the files the launch script opens as descriptors 3, 4... */
function inputFileArgs(inputFiles: string[]): string[] {
  if (inputFiles.length > 7) throw new Error("the launcher opens at most 7 files");
  return [String(inputFiles.length), ...inputFiles];
}

/**
 * What the launcher reads from its FIFO: the rlimit words, the files to open as descriptors
 * 3, 4... (count, then paths), then the command, each NUL-terminated.
 */
export function encodeCommand(ulimits: string, command: string[], inputFiles: string[] = []): Buffer {
  const parts = [ulimits, ...inputFileArgs(inputFiles), ...command];
  for (const part of parts) if (part.includes("\0")) throw new Error("a command argument contains NUL");
  return Buffer.from(parts.map((a) => `${a}\0`).join(""));
}
