import { Redis } from "ioredis";
import { pino } from "pino";
import { RedisEventBus } from "../bus/event-bus.ts";
import { LocalBwrapRunner } from "../exec/index.ts";
import { connectRedis, reconnectDelay } from "../redis.ts";
import { RunWire } from "../remote-runs/run-wire.ts";
import { RunWorker } from "./run-worker.ts";
import { loadRunnerConfig } from "./runner-env.ts";
import { RunnerHeartbeat } from "./runner-heartbeat.ts";

/**
 * `npm run runner`: the sandbox without the web server. Takes runs from the install's queue in
 * Redis, runs them, streams their terminals through Redis. SIGTERM drains: nothing new is
 * taken, the runs under way finish, then it exits.
 */
async function main() {
  const loaded = loadRunnerConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(
      `The Observer runner cannot start; fix these settings:\n${loaded.problems.map((p) => `  - ${p}`).join("\n")}\n`,
    );
    process.exit(2);
  }
  const { config } = loaded;
  const log = pino({ level: config.logLevel, base: { runner: config.name } });
  const redis = await connectRedis(config.redisUrl);
  const queueRedis = new Redis(config.redisUrl, {
    maxRetriesPerRequest: null,
    retryStrategy: reconnectDelay,
  });
  const bus = RedisEventBus.over(redis, `${config.redisPrefix}events:`);
  const wire = new RunWire(config.redisPrefix);

  const runner = await LocalBwrapRunner.create({
    sandbox: config.sandbox,
    bwrapPath: config.bwrapPath,
    limits: config.limits,
    log: {
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m) => log.error(m),
    },
  });
  const status = runner.sandboxStatus();
  const worker = new RunWorker({
    name: config.name,
    capacity: config.capacity,
    runner,
    wire,
    redis,
    queueRedis,
    bus,
    log,
  });
  let draining = false;
  const heartbeat = new RunnerHeartbeat(
    redis,
    wire,
    {
      name: config.name,
      capacity: config.capacity,
      runner,
      busy: () => worker.busy,
      activeRuns: () => worker.activeRuns(),
      draining: () => draining,
    },
    (err) => log.warn({ err }, "runner: heartbeat failed"),
  );
  heartbeat.start();
  if (status.ok) {
    worker.start();
    log.info(
      { capacity: config.capacity, sandbox: status.mode, limiter: status.limiter },
      `Observer runner ${config.name} taking runs`,
    );
  } else {
    // Advertised with no capacity: the servers tell students why programs cannot run.
    log.error(`Observer runner ${config.name}: programs cannot run here: ${status.reason}`);
  }

  const stop = async (signal: string) => {
    if (draining) {
      log.warn({ signal }, "runner: stopping now");
      process.exit(1);
    }
    draining = true;
    log.info({ signal, runs: worker.busy }, "runner: draining (nothing new; finishing the runs under way)");
    await heartbeat.send();
    await worker.drain();
    await runner.dispose();
    await heartbeat.stop();
    await bus.close();
    await Promise.allSettled([redis.quit(), queueRedis.quit()]);
    log.info("runner: stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err) => {
  process.stderr.write(
    `The Observer runner failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
