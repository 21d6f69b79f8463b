import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Time budget of a test that starts the real process (several times, for a restart): a fresh
 * PGlite data dir alone takes 5 to 10 s to initialise on two busy cores, where the suite's
 * default of 30 s would fail a correct test.
 */
export const SPAWNED_SERVER_TEST_TIMEOUT_MS = 90_000;

export interface SpawnedServer {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the real entry point (packages/server/src/main.ts) as a child process on loopback. */
export async function spawnServer(
  env: Record<string, string> = {},
  dataDir?: string,
  fixedPort?: number,
): Promise<SpawnedServer> {
  const port = fixedPort ?? (await freePort());
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), "observer-proc-"));
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "packages/server/src/main.ts"], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? "",
      PORT: String(port),
      HOST: "127.0.0.1",
      OBSERVER_DATA_DIR: dir,
      LOG_LEVEL: "warn",
      OBSERVER_WEB_DIR: path.join(dir, "no-web"),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    dataDir: dir,
    child,
    output: () => output,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Polls GET /api/health until 200; returns the milliseconds it took. */
export async function waitHealthy(server: SpawnedServer, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (server.child.exitCode !== null) throw new Error(`server exited: ${server.output()}`);
    try {
      const res = await fetch(`${server.url}/api/health`);
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server not healthy after ${timeoutMs} ms: ${server.output()}`);
}

/** Environment that points a spawned server at the suite's database (PostgreSQL in that project). */
export const spawnedDatabaseEnv: Record<string, string> =
  process.env.OBSERVER_TEST_DB === "postgres" && process.env.TEST_DATABASE_URL
    ? { DATABASE_URL: process.env.TEST_DATABASE_URL }
    : {};
