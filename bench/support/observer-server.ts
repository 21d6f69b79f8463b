import { freePort } from "../../packages/server/test/spawn-server.ts";
import { BenchProcess, waitForHttp } from "./processes.ts";

/** An Observer server process under benchmark and its base URL. */
export interface ObserverServer {
  url: string;
  server: BenchProcess;
}

/**
 * Starts Observer as deployed by default (embedded PGlite in `dataDir`) in its own process with
 * the probe, on a free loopback port. The rate limits are lifted: every simulated user comes
 * from 127.0.0.1, so the per-address limits would measure themselves instead of the server.
 */
export async function startObserverServer(probeFile: string, dataDir: string): Promise<ObserverServer> {
  const port = await freePort();
  const server = BenchProcess.start(
    "packages/server/src/main.ts",
    {
      PORT: String(port),
      HOST: "127.0.0.1",
      OBSERVER_DATA_DIR: dataDir,
      OBSERVER_RATE_LIMIT_AUTH: "100000",
      OBSERVER_RATE_LIMIT_API: "100000",
    },
    probeFile,
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/api/health`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, server };
}
