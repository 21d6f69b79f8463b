import { execFile, execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../spawn-server.ts";

const run = promisify(execFile);

/** Debian's PostgreSQL 15 server binaries. */
const BIN = "/usr/lib/postgresql/15/bin";
/** How long initdb, a start or a stop may take on two busy cores. */
const COMMAND_TIMEOUT_MS = 30_000;

/**
 * A PostgreSQL cluster of one test's own, on a free loopback port, that the test may stop and
 * start again (the machine's PostgreSQL on 5432 is shared with tests running in parallel:
 * never restarted). Run as the `postgres` user (the server refuses root) in a temporary folder:
 * its data, its Unix socket and its log. Trust authentication for `postgres`, as on 5432.
 */
export interface PrivatePostgres {
  port: number;
  /** The cluster's `postgres` database, where the server under test keeps its tables. */
  url: string;
  /** Stops the server as an operator restarting it does (`pg_ctl stop -m fast`: sessions are terminated); resolves with Date.now() once it is down. */
  stop(): Promise<number>;
  /** Starts it again on its port and waits until it accepts connections; resolves with Date.now() then. */
  start(): Promise<number>;
  /** The end of the server's log (to print when a test fails). */
  logTail(chars?: number): string;
  /** Stops it at once if running and removes its folder (idempotent; also after a failure). */
  destroy(): Promise<void>;
}

/** Clusters not yet destroyed: killed and removed if the test process exits first. */
const live = new Set<{ dir: string; data: string }>();
let hooked = false;

/** The postmaster's pid, from its pid file (null when it is not running). */
function postmasterPid(data: string): number | null {
  try {
    const pid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Kills the postmaster with SIGKILL (its backends exit with it) and removes the folder. */
function killAndRemove(cluster: { dir: string; data: string }): void {
  const pid = postmasterPid(cluster.data);
  if (pid !== null) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  rmSync(cluster.dir, { recursive: true, force: true });
  live.delete(cluster);
}

/** Runs a PostgreSQL binary as the `postgres` user. */
function asPostgres(binary: string, args: string[]) {
  return run("runuser", ["-u", "postgres", "--", path.join(BIN, binary), ...args], {
    timeout: COMMAND_TIMEOUT_MS,
  });
}

/** Creates a cluster (initdb), starts it and waits until it accepts connections. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "observer-pg-"));
  const cluster = { dir, data: path.join(dir, "data") };
  live.add(cluster);
  if (!hooked) {
    hooked = true;
    // The afterAll hooks destroy clusters properly; this is the fallback for an interrupted test.
    process.once("exit", () => {
      for (const c of [...live]) killAndRemove(c);
    });
  }
  const log = path.join(dir, "postgres.log");
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  chownSync(dir, uid, gid);
  let running = false;

  const start = async () => {
    if (running) throw new Error("the private PostgreSQL is running");
    await asPostgres("pg_ctl", [
      "-D",
      cluster.data,
      "-l",
      log,
      "-w",
      "-t",
      String(COMMAND_TIMEOUT_MS / 1000),
      // Loopback only; the socket in our folder. Durability is not under test: no fsync.
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
      "start",
    ]);
    running = true;
    return Date.now();
  };

  const tail = (chars = 4000) => {
    try {
      return readFileSync(log, "utf8").slice(-chars);
    } catch {
      return "";
    }
  };

  try {
    await asPostgres("initdb", [
      "-D",
      cluster.data,
      "-U",
      "postgres",
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--no-sync",
    ]);
    await start();
  } catch (err) {
    killAndRemove(cluster);
    throw new Error(`private PostgreSQL did not start: ${String(err)}\n${tail()}`);
  }

  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      if (!running) throw new Error("the private PostgreSQL is not running");
      await asPostgres("pg_ctl", ["-D", cluster.data, "-m", "fast", "-w", "stop"]);
      running = false;
      return Date.now();
    },
    start,
    logTail: tail,
    async destroy() {
      if (!live.has(cluster)) return;
      if (running) {
        running = false;
        await asPostgres("pg_ctl", ["-D", cluster.data, "-m", "immediate", "-w", "stop"]).catch(() => {});
      }
      killAndRemove(cluster);
    },
  };
}
