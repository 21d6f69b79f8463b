import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT, WEB_DIST } from "./paths.ts";

export interface StartedServer {
  /** Base URL, e.g. http://127.0.0.1:43121 */
  url: string;
  /** The server's data dir (OBSERVER_DATA_DIR): fresh, removed by `stop()`. */
  dataDir: string;
  /** SIGTERM, wait for the exit, remove the data dir. */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 60_000;
/** Keep the last output of the child for error messages. */
const OUTPUT_TAIL = 16_000;

/** A port that was free a moment ago (the server binds it right after). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Starts the real Observer server as a child process on a free port with a fresh data dir
 * (embedded PGlite), serving the built web app, and resolves once `/api/health` answers 200.
 */
export async function startServer(env: Record<string, string> = {}): Promise<StartedServer> {
  const port = await freePort();
  const dataDir = env.OBSERVER_DATA_DIR ?? (await mkdtemp(path.join(tmpdir(), "observer-e2e-")));
  const child = spawn(process.execPath, ["--import", "tsx", "packages/server/src/main.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      OBSERVER_WEB_DIR: WEB_DIST,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      ...env,
      OBSERVER_DATA_DIR: dataDir,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited(child);
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `e2e: the server exited during start-up (${child.exitCode ?? child.signalCode}):\n${output}`,
      );
    }
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status === 200) return { url, dataDir, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(
    `e2e: the server did not answer /api/health within ${STARTUP_TIMEOUT_MS / 1000} s:\n${output}`,
  );
}
