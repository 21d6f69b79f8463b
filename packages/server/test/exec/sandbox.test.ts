import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalBwrapRunner } from "../../src/exec/local-runner.ts";
import type { RunSpec } from "../../src/exec/runner.ts";
import { type Containment, containTestProcess } from "./contain.ts";
import { outputContains, plain } from "./helpers.ts";

const SECRET = `observer-secret-${randomBytes(8).toString("hex")}`;
let runner: LocalBwrapRunner;
let containment: Containment;

beforeAll(async () => {
  containment = containTestProcess();
  // A secret in the server's environment that no program may read.
  process.env.OBSERVER_TEST_SECRET = SECRET;
  runner = await LocalBwrapRunner.create({ log: { info() {}, warn() {}, error: console.error } });
  const status = runner.sandboxStatus();
  expect(status).toMatchObject({ ok: true, mode: "bwrap" });
  // Memory kills and process limits below are the cgroup's: this suite needs root (or delegated controllers).
  expect(status.limiter, `the sandbox tests need cgroups: ${status.reason}`).not.toBe("rlimits");
});

afterAll(async () => {
  await runner?.dispose();
  delete process.env.OBSERVER_TEST_SECRET;
  containment?.release();
});

const python = (code: string, extra: Partial<RunSpec> = {}) =>
  runner.start({ language: "python", code, ...extra });

/** Hostile programs run next to a well-behaved one, which must still finish correctly. */
async function alongsideHelloWorld<T>(hostile: Promise<T>): Promise<T> {
  const hello = runner.start({ language: "python", code: 'print("still served")' });
  const [result] = await Promise.all([hostile, hello.result]);
  expect(await hello.result).toMatchObject({ exitCode: 0 });
  expect(hello.transcript).toContain("still served");
  return result;
}

/** Host processes whose command line contains `marker`, other than pgrep itself. */
function hostProcessesMatching(marker: string): string {
  try {
    return execFileSync("pgrep", ["-af", marker], { encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

function expectNothingLeft(marker?: string) {
  expect(containment.strayProcesses()).toEqual([]);
  if (marker) expect(hostProcessesMatching(marker)).toBe("");
}

describe("identity and isolation", () => {
  it("runs as an unprivileged user without capabilities, inherited descriptors or the server's environment", async () => {
    const code = `
import os, glob
print("ids", os.getuid(), os.geteuid(), os.getgid(), os.getgroups())
status = open("/proc/self/status").read()
print("caps", [l.split()[1] for l in status.splitlines() if l.startswith(("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"))])
print("fds", sorted(os.listdir("/proc/self/fd")))
print("env", sorted(os.environ.items()))
leaked = []
for f in ["/proc/1/environ", "/proc/self/environ", f"/proc/{os.getppid()}/environ"] + glob.glob("/proc/[0-9]*/environ"):
    try:
        if b"${SECRET}" in open(f, "rb").read(): leaked.append(f)
    except OSError as e:
        pass
print("pid1 environ", open("/proc/1/environ", "rb").read())
print("leaked", leaked)
print("marker ${SECRET.slice(-6)}-ident")
input()
`;
    const run = python(code);
    await outputContains(run, "-ident");
    // Seen from the host, the program runs as nobody, not as root.
    const hostPid = hostProcessesMatching("python3 -u main.py")
      .split("\n")
      .find((line) => line.split(" ")[1] === "/usr/bin/python3")
      ?.split(" ")[0];
    expect(hostPid).toBeTruthy();
    const uidLine = execFileSync("grep", ["^Uid:", `/proc/${hostPid}/status`], { encoding: "utf8" });
    expect(uidLine.split(/\s+/).slice(1, 5)).toEqual(["65534", "65534", "65534", "65534"]);
    // Its parents up to the launcher: bwrap's init in the sandbox, then bwrap itself, started
    // with an empty environment.
    const parentOf = (pid: string) =>
      /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? "";
    const init = parentOf(hostPid as string);
    const bwrap = parentOf(init);
    expect(readFileSync(`/proc/${bwrap}/cmdline`, "utf8").split("\0")[0]).toBe("/usr/bin/bwrap");
    expect(readFileSync(`/proc/${init}/environ`, "utf8")).toBe("");
    expect(readFileSync(`/proc/${bwrap}/environ`, "utf8")).toBe("");
    run.write("\r");
    await run.result;
    const out = plain(run.transcript);
    expect(out).toContain("ids 65534 65534 65534 []");
    expect(out).toContain(
      "caps ['0000000000000000', '0000000000000000', '0000000000000000', '0000000000000000', '0000000000000000']",
    );
    // 0-2 are the terminal; 3 is the directory listing itself.
    expect(out).toContain("fds ['0', '1', '2', '3']");
    expect(out).toContain(
      "env [('HOME', '/work'), ('LANG', 'C.UTF-8'), ('PATH', '/usr/bin:/bin'), ('PWD', '/work'), ('TERM', 'xterm-256color')]",
    );
    expect(out).toContain("pid1 environ b''");
    expect(out).toContain("leaked []");
    expect(out.split(SECRET).length).toBe(1);
  });

  it("shows only toolchain paths: no /etc/shadow, no host users, no host /tmp or /root", async () => {
    const code = `
import os
for path in ["/etc/shadow", "/root", "/home", "/var", "/sys", "/run", "/etc/hostname"]:
    try:
        open(path).read() if not os.path.isdir(path) else os.listdir(path)
        print(path, "READABLE")
    except OSError as e:
        print(path, type(e).__name__)
print("etc", sorted(os.listdir("/etc")))
print("passwd", open("/etc/passwd").read().split())
print("root", sorted(os.listdir("/")))
print("tmp", os.listdir("/tmp"))
`;
    const run = python(code);
    await run.result;
    const out = plain(run.transcript);
    expect(out).not.toContain("READABLE");
    expect(out).toContain("/etc/shadow FileNotFoundError");
    expect(out).toMatch(
      /etc \['alternatives', 'group', (?:'java-\d+-openjdk', )?'ld\.so\.cache', 'localtime', 'passwd'\]/,
    );
    expect(out).toContain(
      "passwd ['root:x:0:0:root:/root:/usr/sbin/nologin', 'sandbox:x:65534:65534:Sandbox:/work:/bin/sh']",
    );
    expect(out).toContain("root ['bin', 'dev', 'etc', 'lib', 'lib64', 'proc', 'sbin', 'tmp', 'usr', 'work']");
    expect(out).toContain("tmp []");
  });

  it("writes only to its own work dir and /tmp, never to the host", async () => {
    const name = `observer-escape-${randomBytes(4).toString("hex")}`;
    const code = `
for path in ["/work/ok.txt", "/tmp/${name}", "/usr/${name}", "/etc/${name}", "/${name}", "/dev/${name}", "/proc/${name}", "/main.py", "/work/main.py"]:
    try:
        open(path, "w").write("x")
        print(path, "WRITTEN")
    except OSError as e:
        print(path, type(e).__name__, e.strerror)
`;
    const run = python(code);
    await run.result;
    const out = plain(run.transcript);
    expect(out).toContain("/work/ok.txt WRITTEN");
    expect(out).toContain(`/tmp/${name} WRITTEN`);
    for (const denied of [
      `/usr/${name}`,
      `/etc/${name}`,
      `/${name}`,
      `/dev/${name}`,
      `/proc/${name}`,
      "/work/main.py",
    ]) {
      expect(out).toMatch(
        new RegExp(
          `${denied.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} (OSError|PermissionError|FileNotFoundError)`,
        ),
      );
    }
    expect(existsSync(path.join(tmpdir(), name))).toBe(false);
    expect(existsSync(`/${name}`)).toBe(false);
  });

  it("cannot see another run's files or processes", async () => {
    const first = python('open("secret.txt", "w").write("first run secret")\nprint("written")\ninput()');
    await outputContains(first, "written");
    const runsRoot = path.join(tmpdir(), "observer-runs");
    const firstDir = readdirSync(runsRoot)
      .map((d) => path.join(runsRoot, d, first.id))
      .find((d) => existsSync(d));
    expect(firstDir).toBeTruthy();
    const code = `
import os, glob
print("work", sorted(os.listdir("/work")))
print("host dir", os.path.exists(${JSON.stringify(firstDir)}))
print("found", [f for d in ["/work", "/tmp", "/dev/shm", "/proc/1/cwd"] for f in glob.glob(d + "/**/secret.txt", recursive=True)])
print("procs", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
`;
    const second = python(code);
    await second.result;
    first.write("\r");
    await first.result;
    const out = plain(second.transcript);
    expect(out).toContain("work ['main.py']");
    expect(out).toContain("host dir False");
    expect(out).toContain("found []");
    // Its own PID namespace: bwrap's init (1) and the program (2).
    expect(out).toContain("procs [1, 2]");
    expect(existsSync(firstDir as string)).toBe(false);
  });
});

describe("network", () => {
  let listener: Server;
  let port = 0;
  let connections = 0;
  beforeAll(async () => {
    listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    port = (listener.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  it("cannot reach the host's services on loopback, and has no other interface", async () => {
    const code = `
import socket
print("interfaces", [n for _, n in socket.if_nameindex()])
for port in [5432, 6379, ${port}]:
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
        print(port, "CONNECTED")
    except OSError as e:
        print(port, type(e).__name__)
`;
    const run = python(code);
    await run.result;
    const out = plain(run.transcript);
    expect(out).toContain("interfaces ['lo']");
    expect(out).not.toContain("CONNECTED");
    expect(out).toContain(`${port} ConnectionRefusedError`);
    expect(connections).toBe(0);
  });

  it("cannot open raw or packet sockets (no capabilities)", async () => {
    const code = `
import socket
for family, kind, proto in [(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP), (socket.AF_PACKET, socket.SOCK_RAW, 0)]:
    try:
        socket.socket(family, kind, proto)
        print("raw OPENED")
    except OSError as e:
        print("raw", type(e).__name__)
`;
    const run = python(code);
    await run.result;
    expect(plain(run.transcript)).toBe("raw PermissionError\nraw PermissionError\n");
  });
});

describe("limits", () => {
  it("contains a fork bomb within its process limit, then kills it at the wall time", async () => {
    const bomb = runner.start({
      language: "c",
      code: "#include <unistd.h>\nint main(void) { for (;;) fork(); }",
      limits: { wallTimeMs: 3000, processes: 64 },
    });
    const result = await alongsideHelloWorld(bomb.result);
    expect(result).toMatchObject({ timedOut: true, killedFor: "time", exitCode: null, phase: "run" });
    expect(bomb.transcript).toContain("limit of 64 processes");
    expectNothingLeft();
  });

  it.each([
    ["python", "chunks = []\nwhile True:\n    chunks.append(bytearray(50 * 1024 * 1024))"],
    [
      "c",
      "#include <stdlib.h>\n#include <string.h>\nint main(void) { for (;;) { char *p = malloc(1 << 24); memset(p, 1, 1 << 24); } }",
    ],
  ] as const)("kills a %s memory bomb for memory", async (language, code) => {
    const run = runner.start({ language, code, limits: { memoryBytes: 128 * 1024 * 1024 } });
    const result = await alongsideHelloWorld(run.result);
    expect(result).toMatchObject({ killedFor: "memory", signal: "SIGKILL", exitCode: null, timedOut: false });
    expectNothingLeft();
  });

  it("stops a CPU spin at its CPU time, reported as the CPU limit, not as a time-out", async () => {
    const run = python("while True:\n    pass", { limits: { cpuTimeMs: 1000, wallTimeMs: 20_000 } });
    const result = await alongsideHelloWorld(run.result);
    expect(result).toMatchObject({
      killedFor: "cpu",
      timedOut: false,
      signal: "SIGXCPU",
      exitCode: null,
      cpuTimeLimitMs: 1000,
    });
    expect(result.durationMs).toBeLessThan(10_000);
    expect(plain(run.transcript)).toContain("[CPU time limit of 1 s reached: the program was stopped.]");
  });

  it("stops a program sleeping past its wall time", async () => {
    const run = python("import time\ntime.sleep(100)", { limits: { wallTimeMs: 1000 } });
    const result = await run.result;
    expect(result).toMatchObject({ killedFor: "time", timedOut: true, exitCode: null, signal: "SIGKILL" });
    expect(result.durationMs).toBeGreaterThanOrEqual(1000);
    expect(result.durationMs).toBeLessThan(5000);
  });

  it.each([
    ["an output flood", 'while True:\n    print("x" * 1000)'],
    [
      "a giant line without newline",
      'import sys, time\nsys.stdout.write("y" * 5_000_000)\nsys.stdout.flush()\ntime.sleep(30)',
    ],
  ])("truncates %s at the output limit with a notice", async (_, code) => {
    const run = python(code);
    const result = await alongsideHelloWorld(run.result);
    expect(result).toMatchObject({ outputTruncated: true, killedFor: "output", exitCode: null });
    expect(run.transcript).toContain("[Output limit of 1 MB reached: the program was stopped.]");
    expect(Buffer.byteLength(run.transcript)).toBeLessThanOrEqual(1024 * 1024 + 200);
    expectNothingLeft();
  });

  it("passes binary output through without breaking the terminal stream", async () => {
    const run = python("import os\nos.write(1, bytes(range(256)) * 100)\nprint()\nprint('after')");
    const result = await run.result;
    expect(result.exitCode).toBe(0);
    expect(run.transcript).toContain("after");
  });

  it("drops input past the stdin limit with a notice", async () => {
    const run = python(
      "import sys\nn = 0\nfor line in sys.stdin:\n    n += len(line)\n    print(n, flush=True)",
      {
        limits: { stdinBytes: 8 * 1024, wallTimeMs: 2000 },
      },
    );
    for (let i = 0; i < 40; i++) run.write(`${"a".repeat(999)}\r`);
    const result = await run.result;
    expect(run.transcript).toContain("[Input limit reached: further input is ignored.]");
    expect(result).toMatchObject({ timedOut: true, killedFor: "time" });
  });

  it("caps disk use and file size", async () => {
    const code = `
for path, size in [("/tmp/big", 20 * 1024 * 1024), ("/work/a", 15 * 1024 * 1024), ("/work/b", 15 * 1024 * 1024), ("/work/c", 15 * 1024 * 1024), ("/work/d", 15 * 1024 * 1024), ("/work/e", 15 * 1024 * 1024)]:
    try:
        with open(path, "wb") as f:
            f.write(b"z" * size)
        print(path, "ok")
    except OSError as e:
        print(path, e.strerror)
`;
    const run = python(code, { limits: { fileSizeBytes: 16 * 1024 * 1024, diskBytes: 64 * 1024 * 1024 } });
    await run.result;
    const out = plain(run.transcript);
    expect(out).toContain("/tmp/big File too large");
    expect(out).toContain("/work/a ok");
    expect(out).toContain("/work/e No space left on device");
  });
});

describe("every process of a run ends with it", () => {
  it("kills a background daemon started with nohup and setsid when the program exits", async () => {
    const marker = `1000.${Math.floor(Math.random() * 1e6)}`;
    const code = `
import os, subprocess
subprocess.Popen(["/bin/sh", "-c", "nohup sleep ${marker} >/dev/null 2>&1 &"])
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.closerange(0, 3)
        os.execv("/bin/sleep", ["sleep", "${marker}"])
    os._exit(0)
import time
time.sleep(0.3)
print("spawned", flush=True)
`;
    const run = python(code);
    const result = await alongsideHelloWorld(run.result);
    expect(result).toMatchObject({ exitCode: 0 });
    expect(run.transcript).toContain("spawned");
    expectNothingLeft(`sleep ${marker}`);
  });

  it("ends a program that closed its output and lingers", async () => {
    const marker = `${Math.floor(Math.random() * 1e6)}`;
    const code = `import os, time\nos.close(1)\nos.close(2)\ntime.sleep(100 + 0.${marker})`;
    const run = python(code, { limits: { wallTimeMs: 1500 } });
    const result = await run.result;
    expect(result).toMatchObject({ timedOut: true, killedFor: "time" });
    expectNothingLeft();
  });
});
