import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../spawn-server.ts";
import { killNow, killOnExit } from "./processes.ts";

/**
 * A Redis of one test's own, on a free loopback port, that the test may kill and start again
 * (the machine's Redis on 6379 is shared with tests running in parallel: never restarted).
 * Nothing is persisted (`--save ""`, no AOF): a restart loses every key, as a Redis that
 * crashed without persistence does, and that is what the servers must survive.
 */
export interface PrivateRedis {
  port: number;
  url: string;
  /**
   * Kills Redis (SIGKILL: no goodbye to its clients), waits `downMs`, starts it again on the
   * same port and waits until it answers. Returns when it went down and when it accepted
   * connections again (Date.now() values).
   */
  restart(downMs?: number): Promise<{ downAt: number; upAt: number }>;
  /** The two halves of `restart`, for a test that acts while Redis is down: resolve with Date.now(). */
  kill(): Promise<number>;
  start(): Promise<number>;
  /** Kills it and removes its folder (idempotent). */
  stop(): Promise<void>;
}

/** How long Redis may take to answer its first PING after being started. */
const START_TIMEOUT_MS = 10_000;

/** Starts a private redis-server (Redis binary on PATH) and waits until it answers. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "observer-redis-"));
  let child: ChildProcess | null = null;
  let output = "";
  let stopped = false;

  const launch = async () => {
    output = "";
    const started = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    killOnExit(started);
    started.stdout?.on("data", (d) => {
      output = (output + d).slice(-4000);
    });
    started.stderr?.on("data", (d) => {
      output = (output + d).slice(-4000);
    });
    child = started;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await answersPing(port))) {
      if (started.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
      if (Date.now() > deadline) throw new Error(`redis-server not answering on ${port}: ${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const kill = async () => {
    const running = child;
    child = null;
    if (running) await killNow(running);
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs = 0) {
      await kill();
      const downAt = Date.now();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await launch();
      return { downAt, upAt: Date.now() };
    },
    async kill() {
      await kill();
      return Date.now();
    },
    async start() {
      if (child) throw new Error("the private Redis is running");
      await launch();
      return Date.now();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether a Redis on the port answers PING (raw RESP over a fresh socket, 500 ms at most). */
export function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let reply = "";
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) => {
      reply += d.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
    socket.on("error", () => done(false));
  });
}
