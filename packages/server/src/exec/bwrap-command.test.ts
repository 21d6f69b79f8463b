import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  BWRAP_FDS,
  type BwrapOptions,
  buildBwrapArgs,
  buildBwrapOptions,
  bwrapArgsFile,
  bwrapArgvWithArgsFd,
  dropPrivilegesArgs,
  encodeCommand,
  launchArgs,
  sandboxEnv,
} from "./bwrap-command.ts";

const base: BwrapOptions = {
  readOnly: [
    { src: "/usr", dest: "/usr" },
    { src: "/etc/ld.so.cache", dest: "/etc/ld.so.cache" },
    { src: "/srv/runner/etc/passwd", dest: "/etc/passwd" },
  ],
  symlinks: [{ target: "usr/bin", dest: "/bin" }],
  work: {
    kind: "tmpfs",
    sizeBytes: 64 * 1024 * 1024,
    entries: [{ host: "/srv/runner/r1/main.py", name: "main.py" }],
  },
  tmpSizeBytes: 8 * 1024 * 1024,
  uid: 65534,
  gid: 65534,
  env: sandboxEnv(),
  seccompFd: BWRAP_FDS.seccomp,
  command: ["/usr/bin/python3", "-u", "main.py"],
};

/** The values following each occurrence of `flag`. */
function after(args: string[], flag: string, count = 1): string[][] {
  const out: string[][] = [];
  args.forEach((a, i) => {
    if (a === flag) out.push(args.slice(i + 1, i + 1 + count));
  });
  return out;
}

describe("buildBwrapArgs", () => {
  const args = buildBwrapArgs(base);
  const options = args.slice(0, args.indexOf("--"));

  it("unshares every namespace (no network at all), drops capabilities and nested user namespaces", () => {
    for (const flag of [
      "--unshare-all",
      "--unshare-user",
      "--unshare-cgroup",
      "--disable-userns",
      "--die-with-parent",
      "--new-session",
    ]) {
      expect(options).toContain(flag);
    }
    expect(after(options, "--cap-drop")).toEqual([["ALL"]]);
    expect(options).not.toContain("--share-net");
    expect(after(options, "--uid")).toEqual([["65534"]]);
    expect(after(options, "--gid")).toEqual([["65534"]]);
  });

  it("binds only the given paths, read-only, never all of /etc or the host root", () => {
    expect(after(options, "--ro-bind", 2)).toEqual([
      ["/usr", "/usr"],
      ["/etc/ld.so.cache", "/etc/ld.so.cache"],
      ["/srv/runner/etc/passwd", "/etc/passwd"],
      ["/srv/runner/r1/main.py", "/work/main.py"],
    ]);
    expect(after(options, "--bind", 2)).toEqual([]);
    const sources = [...after(options, "--ro-bind", 2), ...after(options, "--bind", 2)].map(([src]) => src);
    expect(sources.some((src) => src === "/etc" || src === "/")).toBe(false);
    expect(after(options, "--symlink", 2)).toEqual([["usr/bin", "/bin"]]);
  });

  it("gives a fresh /proc, a minimal /dev, size-capped /tmp, /dev/shm and /work, then makes / and /dev read-only", () => {
    expect(after(options, "--proc")).toEqual([["/proc"]]);
    expect(after(options, "--dev")).toEqual([["/dev"]]);
    expect(after(options, "--tmpfs")).toEqual([["/dev/shm"], ["/tmp"], ["/work"]]);
    expect(after(options, "--size")).toEqual([
      [String(8 * 1024 * 1024)],
      [String(8 * 1024 * 1024)],
      [String(64 * 1024 * 1024)],
    ]);
    // --size applies to the --tmpfs right after it.
    for (const i of options.flatMap((a, i) => (a === "--size" ? [i] : [])))
      expect(options[i + 2]).toBe("--tmpfs");
    expect(after(options, "--remount-ro")).toEqual([["/dev"], ["/"]]);
    expect(options.indexOf("--remount-ro")).toBeGreaterThan(options.lastIndexOf("--ro-bind"));
    expect(after(options, "--chdir")).toEqual([["/work"]]);
  });

  it("clears the environment and sets only PATH, HOME, LANG and TERM", () => {
    expect(options).toContain("--clearenv");
    expect(options.indexOf("--clearenv")).toBeLessThan(options.indexOf("--setenv"));
    expect(after(options, "--setenv", 2)).toEqual([
      ["PATH", "/usr/bin:/bin"],
      ["HOME", "/work"],
      ["LANG", "C.UTF-8"],
      ["TERM", "xterm-256color"],
    ]);
  });

  it("ends with -- and the command, untouched", () => {
    expect(args.slice(args.indexOf("--") + 1)).toEqual(["/usr/bin/python3", "-u", "main.py"]);
  });

  it("binds the run dir read-write at /work for compile steps", () => {
    const compile = buildBwrapArgs({ ...base, work: { kind: "bind", hostDir: "/srv/runner/r1" } });
    expect(after(compile, "--bind", 2)).toEqual([["/srv/runner/r1", "/work"]]);
    expect(after(compile, "--tmpfs")).toEqual([["/dev/shm"], ["/tmp"]]);
  });

  it("refuses work entries that would escape /work", () => {
    for (const name of ["../etc/x", "a/b", "..", "."]) {
      expect(() =>
        buildBwrapArgs({ ...base, work: { kind: "tmpfs", sizeBytes: 1, entries: [{ host: "/x", name }] } }),
      ).toThrow(/invalid work entry/);
    }
  });

  it("is pure: the same options give the same argv", () => {
    expect(buildBwrapArgs(base)).toEqual(args);
  });

  it("loads the seccomp filter from its descriptor, and refuses to build a sandbox without one", () => {
    expect(after(options, "--seccomp")).toEqual([["3"]]);
    expect(() => buildBwrapArgs({ ...base, seccompFd: undefined as unknown as number })).toThrow(/seccomp/);
    expect(() => buildBwrapArgs({ ...base, seccompFd: 1 })).toThrow(/seccomp/);
  });
});

describe("bwrap's options through --args", () => {
  it("writes the options NUL-terminated and leaves only --args FD -- command on bwrap's command line", () => {
    const options = buildBwrapOptions(base);
    expect([...options, "--", ...base.command]).toEqual(buildBwrapArgs(base));
    expect(bwrapArgsFile(options).toString("utf8").split("\0")).toEqual([...options, ""]);
    const argv = bwrapArgvWithArgsFd(BWRAP_FDS.args, base.command);
    expect(argv).toEqual(["--args", "4", "--", "/usr/bin/python3", "-u", "main.py"]);
    expect(argv.join(" ")).not.toContain("/srv/runner");
  });

  it("refuses -- and NUL among the options", () => {
    expect(() => bwrapArgsFile(["--unshare-all", "--"])).toThrow(/--/);
    expect(() => bwrapArgsFile(["--chdir", "/a\0b"])).toThrow(/NUL/);
  });
});

describe("dropPrivilegesArgs", () => {
  it("switches real and effective ids, clears groups and every capability set", () => {
    expect(dropPrivilegesArgs(65534, 65533)).toEqual([
      "--reuid=65534",
      "--regid=65533",
      "--clear-groups",
      "--inh-caps=-all",
      "--bounding-set=-all",
    ]);
  });
});

describe("the launch script", () => {
  it("closes inherited descriptors, joins the cgroups and runs the command with an empty environment", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "observer-launch-"));
    try {
      const procs = [path.join(dir, "memory.procs"), path.join(dir, "pids.procs")];
      for (const p of procs) writeFileSync(p, "");
      const script = "import os; print(sorted(os.listdir('/proc/self/fd'))); print(os.getpid())";
      // Descriptor 3 is open in the launcher, as node-pty's fork leaves other terminals' open.
      const out = execFileSync(
        "/bin/bash",
        [
          "-c",
          'exec 3</dev/null 7</dev/null; exec "$@"',
          "bash",
          "/bin/bash",
          ...launchArgs(procs, ["/usr/bin/python3", "-c", script]),
        ],
        { env: { SECRET_IN_SERVER: "x", PATH: "/usr/bin" }, encoding: "utf8" },
      ).split("\n");
      expect(out[0]).toBe("['0', '1', '2', '3']");
      for (const p of procs) expect(readFileSync(p, "utf8").trim()).toBe(out[1]);
      const env = execFileSync("/bin/bash", launchArgs([], ["/usr/bin/env"]), {
        env: { SECRET_IN_SERVER: "x", PATH: "/usr/bin" },
        encoding: "utf8",
      });
      expect(env).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails with status 125 when it cannot join a cgroup", () => {
    let status = 0;
    try {
      execFileSync("/bin/bash", launchArgs(["/nonexistent/cgroup.procs"], ["/bin/true"]), {
        env: {},
        stdio: "ignore",
      });
    } catch (err) {
      status = (err as { status: number }).status;
    }
    expect(status).toBe(125);
  });

  it("waits for its command on a FIFO, sets the rlimits given there, then runs it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "observer-launch-"));
    try {
      const fifo = path.join(dir, "l.fifo");
      execFileSync("/usr/bin/mkfifo", [fifo]);
      const script =
        "import resource as r; print([r.getrlimit(x) for x in (r.RLIMIT_CPU, r.RLIMIT_FSIZE, r.RLIMIT_NOFILE, r.RLIMIT_CORE)])";
      const output = new Promise<string>((resolve, reject) =>
        execFile("/bin/bash", launchArgs([], null, fifo), { env: {}, encoding: "utf8" }, (err, stdout) =>
          err ? reject(err) : resolve(stdout),
        ),
      );
      writeFileSync(
        fifo,
        encodeCommand("-t=8 -St=7 -f=2048 -n=100 -c=0", ["/usr/bin/python3", "-c", script]),
      );
      expect((await output).trim()).toBe("[(7, 8), (2097152, 2097152), (100, 100), (0, 0)]");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("makes its FIFO (mode 0600) when it does not exist yet, then waits on it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "observer-launch-"));
    try {
      const fifo = path.join(dir, "l.fifo");
      const output = new Promise<string>((resolve, reject) =>
        execFile("/bin/bash", launchArgs([], null, fifo), { env: {}, encoding: "utf8" }, (err, stdout) =>
          err ? reject(err) : resolve(stdout),
        ),
      );
      for (let i = 0; i < 500 && !existsSync(fifo); i++) await sleep(10);
      const made = statSync(fifo);
      expect(made.isFIFO()).toBe(true);
      expect(made.mode & 0o777).toBe(0o600);
      writeFileSync(fifo, encodeCommand("", ["/bin/echo", "made"]));
      expect((await output).trim()).toBe("made");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ends quietly when the FIFO is closed with no command", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "observer-launch-"));
    try {
      const fifo = path.join(dir, "l.fifo");
      execFileSync("/usr/bin/mkfifo", [fifo]);
      const done = new Promise<number | null>((resolve) =>
        execFile("/bin/bash", launchArgs([], null, fifo), { env: {} }, (err) =>
          resolve(err ? (err.code as number) : 0),
        ),
      );
      writeFileSync(fifo, "");
      expect(await done).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses NUL inside an argument (it separates arguments)", () => {
    expect(() => encodeCommand("", ["a\0b"])).toThrow(/NUL/);
  });

  it("opens the given files read-only as descriptors 3, 4... for its command, from the FIFO or its arguments", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "observer-launch-"));
    try {
      const files = ["a", "b c"].map((name) => path.join(dir, name));
      writeFileSync(files[0] as string, "first");
      writeFileSync(files[1] as string, "second");
      const script = "for fd in 3 4; do /usr/bin/cat /proc/self/fd/$fd; echo; done; ls /proc/$$/fd";
      const direct = execFileSync("/bin/bash", launchArgs([], ["/bin/sh", "-c", script], undefined, files), {
        env: {},
        encoding: "utf8",
      });
      expect(direct.split("\n")).toEqual(["first", "second", "0", "1", "2", "3", "4", ""]);
      const fifo = path.join(dir, "l.fifo");
      const output = new Promise<string>((resolve, reject) =>
        execFile("/bin/bash", launchArgs([], null, fifo), { env: {}, encoding: "utf8" }, (err, stdout) =>
          err ? reject(err) : resolve(stdout),
        ),
      );
      for (let i = 0; i < 500 && !existsSync(fifo); i++) await sleep(10);
      writeFileSync(fifo, encodeCommand("", ["/bin/sh", "-c", script], files));
      expect(await output).toBe(direct);
      let status = 0;
      try {
        execFileSync("/bin/bash", launchArgs([], ["/bin/true"], undefined, [path.join(dir, "missing")]), {
          env: {},
          stdio: "ignore",
        });
      } catch (err) {
        status = (err as { status: number }).status;
      }
      expect(status).toBe(125);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
