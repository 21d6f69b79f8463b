import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { type Pty, PtyHost } from "./pty-host.ts";

const options = { name: "xterm-256color", cols: 80, rows: 24, cwd: "/", env: {} };

const alive = (pid: number) => {
  try {
    // A zombie is gone for our purpose.
    return !/ Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8").replace(/\(.*\)/s, ""));
  } catch {
    return false;
  }
};

const output = (pty: Pty) => {
  let text = "";
  pty.onData((d) => {
    text += d;
  });
  return () => text;
};

const exited = (pty: Pty) => new Promise<{ exitCode: number; signal: number }>((r) => pty.onExit(r));

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("PtyHost", () => {
  let host: PtyHost;
  afterEach(() => host?.dispose());

  it("runs a program under a terminal in its own process, with an empty environment, both ways", async () => {
    host = new PtyHost();
    const pty = await host.spawn(
      "/bin/bash",
      ["--norc", "-c", 'env | wc -l; tty; read x; echo "got $x"'],
      options,
    );
    const text = output(pty);
    expect(host.hostPid).not.toBe(process.pid);
    await until(() => text().includes("/dev/pts/"));
    pty.write("hello\r");
    expect((await exited(pty)).exitCode).toBe(0);
    // bash sets a few variables of its own (PWD, SHLVL, _); none of the server's.
    expect(text()).not.toContain("must-not-leak");
    expect(text()).not.toMatch(/^(PATH|HOME)=/m);
    expect(text()).toContain("got hello");
  });

  it("kills its terminals' processes when disposed", async () => {
    host = new PtyHost();
    const pty = await host.spawn("/bin/sleep", ["30"], options);
    expect(alive(pty.pid)).toBe(true);
    await host.dispose();
    await until(() => !alive(pty.pid));
  });

  it("reports its terminals ended when it dies, and starts again for the next one", async () => {
    host = new PtyHost();
    const first = await host.spawn("/bin/sleep", ["30"], options);
    const firstExit = exited(first);
    process.kill(host.hostPid as number, "SIGKILL");
    expect((await firstExit).signal).toBe(9);
    const second = await host.spawn("/bin/echo", ["again"], options);
    const text = output(second);
    await exited(second);
    expect(text()).toContain("again");
    process.kill(first.pid, "SIGKILL");
  });
});
