import { buildServer } from "./app.ts";
import { loadConfig } from "./env.ts";

/** Entry point: validates the environment, starts the server, stops it gracefully on signals. */
async function main() {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(
      `Observer cannot start; fix these settings:\n${loaded.problems.map((p) => `  - ${p}`).join("\n")}\n`,
    );
    process.exit(2);
  }
  const { config } = loaded;
  const started = Date.now();
  const { app } = await buildServer(config);
  if (!config.webDir)
    app.log.warn("web app not built (packages/web/dist): serving the API only; run `npm run build`");
  if (!config.production && !process.env.JWT_SECRET)
    app.log.info("using the JWT secret kept in the data dir");
  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    { database: config.database.kind, startupMs: Date.now() - started },
    `Observer listening on http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${config.port}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "shutting down: finishing in-flight requests");
    const timer = setTimeout(() => {
      app.log.error("shutdown took over 10 s; exiting");
      process.exit(1);
    }, 10_000);
    timer.unref();
    await app.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err) => {
  process.stderr.write(
    `Observer failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
