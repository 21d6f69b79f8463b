import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { collectDefaultMetrics, Histogram, Registry } from "prom-client";
import { bearerToken } from "../auth/actor.ts";
import { fail } from "../errors.ts";
import { isDirectLoopback } from "./client-address.ts";

/**
 * Who may read /metrics: with a token configured (OBSERVER_METRICS_TOKEN), whoever sends it
 * as a bearer token (401 otherwise); without one, only a scraper on the server's own machine
 * that connects directly, not through a proxy (403 otherwise).
 */
function checkMetricsAccess(request: FastifyRequest, token: string | null): void {
  if (token === null) {
    if (!isDirectLoopback(request)) {
      throw fail("forbidden", "Metrics are served only on this machine, or with OBSERVER_METRICS_TOKEN.");
    }
    return;
  }
  const given = bearerToken(request.headers.authorization);
  const digest = (s: string) => createHash("sha256").update(s).digest();
  if (!given || !timingSafeEqual(digest(given), digest(token))) {
    throw fail("not_authenticated", "Send the metrics token as Authorization: Bearer <token>.");
  }
}

/**
 * Prometheus metrics at GET /metrics (see checkMetricsAccess): process metrics plus request
 * durations by route.
 * Each server has its own registry, so several servers in one process (tests) do not clash.
 */
export function registerMetrics(app: FastifyInstance, token: string | null): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "observer_" });
  const duration = new Histogram({
    name: "observer_http_request_duration_seconds",
    help: "HTTP request duration by route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook("onResponse", async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? "unmatched",
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get("/metrics", async (request, reply) => {
    checkMetricsAccess(request, token);
    reply.type(registry.contentType);
    return registry.metrics();
  });
  return registry;
}
