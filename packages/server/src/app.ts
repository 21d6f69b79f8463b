import { randomUUID } from "node:crypto";
import path from "node:path";
import cookie from "@fastify/cookie";
import { COLLAB_PATH, LIMITS } from "@observer/protocol";
import Fastify, { type FastifyInstance } from "fastify";
import { AccessTokens } from "./auth/access-tokens.ts";
import { LiveSockets } from "./auth/live-sockets.ts";
import { MemoryLoginThrottle, RedisLoginThrottle } from "./auth/login-throttle.ts";
import { SetupToken } from "./auth/setup-token.ts";
import { MemoryEventBus, RedisEventBus } from "./bus/event-bus.ts";
import {
  SESSIONS_DELETED_TOPIC,
  SESSIONS_EDITING_TOPIC,
  SESSIONS_ENDED_TOPIC,
} from "./bus/session-events.ts";
import { handleSessionChannel, probeSessionChannel } from "./channel/session-channel.ts";
import { registerCollabMetrics } from "./collab/collab-metrics.ts";
import { CollabServer } from "./collab/collab-server.ts";
import type { Config } from "./config.ts";
import type { Ctx } from "./context.ts";
import { fail } from "./errors.ts";
import { registerErrorHandling, sendError } from "./http/error-handler.ts";
import { registerJsonBodyParser } from "./http/json-body.ts";
import { registerMetrics } from "./http/metrics.ts";
import { registerRateLimits } from "./http/rate-limits.ts";
import { registerSecurityHeaders } from "./http/security-headers.ts";
import { trackUnusedConnections } from "./http/unused-connections.ts";
import { readIndexHtml, registerWebApp } from "./http/web-app.ts";
import { exactPath, registerWebSockets, uuidPath } from "./http/websockets.ts";
import { MemoryPresence } from "./presence/memory-presence.ts";
import { RedisPresence } from "./presence/redis-presence.ts";
import { connectRedis } from "./redis.ts";
import { RunWire } from "./remote-runs/run-wire.ts";
import { adminRoutes } from "./routes/admin/index.ts";
import { aiRoutes } from "./routes/ai/index.ts";
import { authRoutes } from "./routes/auth/index.ts";
import { exportRoutes } from "./routes/exports/index.ts";
import { githubRoutes } from "./routes/github/index.ts";
import { handRoutes } from "./routes/hands/index.ts";
import { historyRoutes } from "./routes/history/index.ts";
import { runRoutes } from "./routes/runs/index.ts";
import { sessionRoutes } from "./routes/sessions/index.ts";
import { systemRoutes } from "./routes/system.ts";
import { RunAdoption } from "./runs/run-adoption.ts";
import { registerRunMetrics } from "./runs/run-metrics.ts";
import { RunService } from "./runs/run-service.ts";
import { handleRunTerminal } from "./runs/run-terminal.ts";
import { SecretBox } from "./secrets/secret-box.ts";
import { openDatabase } from "./storage/database.ts";
import { startRetentionJob } from "./storage/retention-job.ts";
import { markInterruptedRuns } from "./storage/runs.ts";
import { registerStorageMetrics } from "./storage/storage-metrics.ts";
import { StudentQuota } from "./storage/student-quota.ts";

export interface Server {
  app: FastifyInstance;
  ctx: Ctx;
  collab: CollabServer;
}

/**
 * Builds the whole server from a validated config; never reads process.env. The database is
 * opened (and migrated) here and closed by `app.close()`, after in-flight requests finish.
 */
export async function buildServer(config: Config): Promise<Server> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'],
        censor: "[redacted]",
      },
    },
    bodyLimit: LIMITS.bodyBytes,
    trustProxy:
      typeof config.trustProxy === "number"
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: "idle",
  });

  if (config.trustProxy === true) {
    app.log.warn(
      "TRUST_PROXY=true: every client can choose its own address through X-Forwarded-For (rate limits and login throttling stop working). Give the proxy count or addresses instead.",
    );
  }
  const database = await openDatabase(config.database);
  const redis = config.redisUrl
    ? await connectRedis(config.redisUrl).catch(async (err) => {
        await database.close();
        throw err;
      })
    : null;
  const bus = redis ? RedisEventBus.over(redis, `${config.redisPrefix}events:`) : new MemoryEventBus();
  // This process among the instances (presence, the runs it records, its heartbeat).
  const instanceId = randomUUID();
  const presence = redis
    ? new RedisPresence(redis, bus, { prefix: config.redisPrefix, instanceId }, (err) =>
        app.log.warn({ err }, "presence: Redis failed"),
      )
    : new MemoryPresence(bus);
  app.addHook("onClose", async () => {
    // This instance's users go offline for the others before the bus and Redis close.
    await presence.close().catch((err: unknown) => app.log.warn({ err }, "presence: closing failed"));
    await bus.close();
    await database.close();
    if (redis) await redis.quit();
  });

  const storage = new StudentQuota(database.db, config.storage.studentQuotaBytes);
  const ctx: Ctx = {
    db: database.db,
    config,
    tokens: new AccessTokens(config.jwtSecret),
    loginThrottle: redis
      ? new RedisLoginThrottle(
          redis,
          config.rateLimits.loginFailuresPerAccount,
          undefined,
          `${config.redisPrefix}login-failures:`,
        )
      : new MemoryLoginThrottle(config.rateLimits.loginFailuresPerAccount),
    setupToken: new SetupToken(path.join(config.dataDir, "setup-token"), app.log),
    presence,
    bus,
    sockets: new LiveSockets(config.maxSocketsPerUser, app.log),
    log: app.log,
    runs: new RunService({ db: database.db, bus, config, log: app.log, storage, redis, instanceId }),
    storage,
    secrets: new SecretBox(config.secretKey),
  };
  if (!(await database.db.selectFrom("users").select("id").limit(1).executeTakeFirst()))
    ctx.setupToken.issue();
  // One instance alone: a run the database still shows as under way died with the last process.
  // Several: an instance's heartbeat decides, and another takes its runs over (run-adoption.ts).
  if (!redis) await markInterruptedRuns(database.db);
  const adoption = redis
    ? new RunAdoption({
        db: database.db,
        redis,
        bus,
        wire: new RunWire(config.redisPrefix),
        runs: ctx.runs,
        instanceId,
        remote: config.runs.runners === "remote",
        log: app.log,
      })
    : null;
  adoption?.start();
  if (config.runs.prepareAtStart) {
    ctx.runs.prepare().catch((err: unknown) => app.log.error({ err }, "Code runner: cannot start"));
  }

  registerErrorHandling(app);
  registerJsonBodyParser(app);
  const indexHtml = readIndexHtml(config.webDir);
  await registerSecurityHeaders(app, { production: config.production, indexHtml });
  await app.register(cookie);
  await registerRateLimits(app, ctx, redis);
  app.addHook("onRequest", async (request, reply) => {
    // Bodies only as JSON: a form post or text body is refused before it is read.
    const type = request.headers["content-type"];
    if (type && !/^application\/json\b/i.test(type) && request.url.startsWith("/api/")) {
      return sendError(reply, fail("unsupported_media_type"));
    }
  });

  const collab = new CollabServer(ctx);
  // Logout, deactivation, a role change or a removal here or on another instance: open sockets re-check.
  await ctx.sockets.listen(bus);
  await bus.subscribe(SESSIONS_ENDED_TOPIC, ({ sessionId }) => {
    // Edits in flight when the teacher pressed End are still taken for a moment, then read-only.
    collab.sessionEnded(sessionId);
    ctx.runs.stopSession(sessionId);
  });
  await bus.subscribe(SESSIONS_DELETED_TOPIC, ({ sessionId }) => {
    collab.sessionDeleted(sessionId);
    ctx.runs.stopSession(sessionId);
  });
  // A lock set on any instance binds the students' document connections of this one.
  await bus.subscribe(SESSIONS_EDITING_TOPIC, ({ sessionId, editing }) =>
    collab.editingChanged(sessionId, editing),
  );
  // Save every open document, stop the programs and record how they ended, before the
  // sockets and the database close.
  app.addHook("preClose", () =>
    Promise.all([collab.close(), ctx.runs.close(), adoption?.stop()]).then(() => undefined),
  );
  const connections = trackUnusedConnections(app.server);
  app.addHook("preClose", async () => connections.closeUnused());
  // Ended sessions' history and run output kept only as long as configured.
  const retentionDays = config.storage.historyRetentionDays;
  if (retentionDays !== null) {
    const retention = startRetentionJob(ctx.db, retentionDays, app.log);
    app.addHook("onClose", async () => retention.stop());
  }
  registerWebSockets(
    app,
    [
      {
        match: exactPath(COLLAB_PATH),
        maxPayload: 2 * LIMITS.codeBytes,
        // Pings notice a lost network long before Hocuspocus' idle timeout (presence goes offline).
        heartbeat: true,
        probe: (ws) => collab.probe(ws),
        accept: (ws, request) => collab.handle(ws, request),
      },
      {
        match: uuidPath("/api/sessions/:id/channel"),
        maxPayload: 8 * 1024,
        heartbeat: true,
        probe: probeSessionChannel,
        accept: (ws, _request, params) => handleSessionChannel(ctx, ws, params.id as string),
      },
      {
        match: uuidPath("/api/runs/:runId/terminal"),
        // One stdin message (16k characters, up to 4 bytes each as UTF-8) and its JSON.
        maxPayload: 80 * 1024,
        heartbeat: true,
        accept: (ws, _request, params) => handleRunTerminal(ctx, ws, params.runId as string),
      },
    ],
    { heartbeatMs: config.live.heartbeatMs },
  );

  const registry = registerMetrics(app, config.metricsToken);
  registerRunMetrics(registry, ctx.runs);
  registerCollabMetrics(registry, collab);
  registerStorageMetrics(registry, database.db, storage);
  systemRoutes(app, ctx);
  authRoutes(app, ctx);
  sessionRoutes(app, ctx);
  handRoutes(app, ctx);
  historyRoutes(app, ctx);
  runRoutes(app, ctx);
  exportRoutes(app, ctx);
  aiRoutes(app, ctx);
  githubRoutes(app, ctx);
  adminRoutes(app, ctx);
  await registerWebApp(app, config.webDir, indexHtml);

  return { app, ctx, collab };
}
