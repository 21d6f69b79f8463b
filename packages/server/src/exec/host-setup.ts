import { spawn } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readlinkSync } from "node:fs";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  BWRAP_FDS,
  buildBwrapOptions,
  bwrapArgsFile,
  bwrapArgvWithArgsFd,
  dropPrivilegesArgs,
  launchArgs,
  type ReadOnlyBind,
  type Symlink,
  sandboxEnv,
} from "./bwrap-command.ts";
import { isAlive } from "./host-process.ts";
import type { Toolchain } from "./languages.ts";

/** The first of `candidates` that exists, or null. */
export function findBinary(...candidates: string[]): string | null {
  return candidates.find((c) => existsSync(c)) ?? null;
}

/** What every sandbox shows of the host: /usr, the merged-/usr links, a few /etc files, the toolchains' extras. */
export interface HostLayout {
  readOnly: ReadOnlyBind[];
  symlinks: Symlink[];
}

/**
 * Reads the host's root layout: /bin, /lib... are symlinks into /usr on a merged-/usr system
 * (recreated as symlinks) or real directories (bound read-only). Only single files of /etc
 * are shown, never the directory: the dynamic linker's cache, the alternatives links,
 * the time zone, and a synthetic passwd/group naming the sandbox user.
 */
export function hostLayout(tools: Toolchain, etcDir: string): HostLayout {
  const readOnly: ReadOnlyBind[] = [{ src: "/usr", dest: "/usr" }];
  const symlinks: Symlink[] = [];
  for (const name of ["bin", "sbin", "lib", "lib32", "lib64", "libx32"]) {
    const host = `/${name}`;
    let stat: ReturnType<typeof lstatSync>;
    try {
      stat = lstatSync(host);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) symlinks.push({ target: readlinkSync(host), dest: host });
    else if (stat.isDirectory()) readOnly.push({ src: host, dest: host });
  }
  for (const file of ["/etc/ld.so.cache", "/etc/alternatives", "/etc/localtime"]) {
    if (existsSync(file)) readOnly.push({ src: file, dest: file });
  }
  for (const extra of tools.extraPaths) readOnly.push({ src: extra, dest: extra });
  readOnly.push({ src: path.join(etcDir, "passwd"), dest: "/etc/passwd" });
  readOnly.push({ src: path.join(etcDir, "group"), dest: "/etc/group" });
  return { readOnly, symlinks };
}

let runnerCount = 0;

/**
 * Prepares this runner's folder under `workRoot` (`runner-<pid>-<n>`, traversable by the
 * sandbox user) with the synthetic /etc files, after removing folders of dead servers.
 */
export async function prepareRunnerDir(workRoot: string, uid: number, gid: number): Promise<string> {
  await mkdir(workRoot, { recursive: true, mode: 0o711 });
  await chmod(workRoot, 0o711).catch(() => {});
  for (const entry of readdirSync(workRoot)) {
    const match = /^runner-(\d+)-\d+$/.exec(entry);
    if (match && !isAlive(Number(match[1]))) {
      await rm(path.join(workRoot, entry), { recursive: true, force: true }).catch(() => {});
    }
  }
  const dir = path.join(workRoot, `runner-${process.pid}-${++runnerCount}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, "etc"), { recursive: true, mode: 0o711 });
  await chmod(dir, 0o711);
  await chmod(path.join(dir, "etc"), 0o755);
  const passwd = `root:x:0:0:root:/root:/usr/sbin/nologin\nsandbox:x:${uid}:${gid}:Sandbox:/work:/bin/sh\n`;
  const group = `root:x:0:\nsandbox:x:${gid}:\n`;
  await writeFile(path.join(dir, "etc", "passwd"), passwd, { mode: 0o644 });
  await writeFile(path.join(dir, "etc", "group"), group, { mode: 0o644 });
  return dir;
}

export interface ProbeOptions {
  bwrap: string;
  setpriv: string | null;
  layout: HostLayout;
  uid: number;
  gid: number;
  cgroupProcsFiles: string[];
  /** The seccomp filter's file (runner-setup.ts writes it). */
  seccompFile: string;
  /** Where the probe may write its bwrap options file (removed afterwards). */
  dir: string;
}

/** Printed (and the probe fails) when a sandbox starts without the seccomp filter in force. */
const NO_SECCOMP = "the seccomp filter is not in force in the sandbox";

/**
 * Runs a check in a sandbox set up exactly as a run's (same launcher, privilege drop, cgroups,
 * bwrap options passed by `--args`, seccomp filter): that `/proc/self/status` says
 * `Seccomp: 2` (a kernel that refuses the filter makes bwrap fail). Resolves null when it
 * worked, else why not (bwrap's own message).
 */
export async function probeSandbox(options: ProbeOptions): Promise<string | null> {
  const bwrapOptions = buildBwrapOptions({
    ...options.layout,
    work: { kind: "tmpfs", sizeBytes: 1024 * 1024, entries: [] },
    tmpSizeBytes: 1024 * 1024,
    uid: options.uid,
    gid: options.gid,
    env: sandboxEnv(),
    seccompFd: BWRAP_FDS.seccomp,
  });
  const argsFile = path.join(options.dir, `probe-${process.pid}.args`);
  await writeFile(argsFile, bwrapArgsFile(bwrapOptions), { mode: 0o600 });
  const check = [
    "/bin/sh",
    "-c",
    `grep -q '^Seccomp:[[:space:]]*2$' /proc/self/status || { echo '${NO_SECCOMP}' >&2; exit 1; }`,
  ];
  const bwrap = [options.bwrap, ...bwrapArgvWithArgsFd(BWRAP_FDS.args, check)];
  const command = options.setpriv
    ? [options.setpriv, ...dropPrivilegesArgs(options.uid, options.gid), ...bwrap]
    : bwrap;
  // Opened by the launcher as descriptors 3 and 4 (BWRAP_FDS).
  const files = [options.seccompFile, argsFile];
  return new Promise<string | null>((resolve) => {
    const child = spawn("/bin/bash", launchArgs(options.cgroupProcsFiles, command, undefined, files), {
      env: {},
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 10_000,
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", (err) => resolve(`cannot start bwrap: ${err.message}`));
    child.on("close", (code, signal) => {
      if (code === 0) return resolve(null);
      const detail = stderr.trim() || (signal ? `killed by ${signal}` : `exit code ${code}`);
      resolve(`bwrap does not work here: ${detail}`);
    });
  }).finally(() => rm(argsFile, { force: true }));
}
