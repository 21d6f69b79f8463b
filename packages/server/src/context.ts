import type { FastifyBaseLogger } from "fastify";
import type { AccessTokens } from "./auth/access-tokens.ts";
import type { LoginThrottle } from "./auth/login-throttle.ts";
import type { EventBus } from "./bus/event-bus.ts";
import type { Config } from "./config.ts";
import type { Presence } from "./presence.ts";
import type { RunService } from "./runs/run-service.ts";
import type { Db } from "./storage/database.ts";

/** What commands need from the running server. Passed explicitly: `command(ctx, props)`. */
export interface Ctx {
  readonly db: Db;
  readonly config: Config;
  readonly tokens: AccessTokens;
  readonly loginThrottle: LoginThrottle;
  readonly presence: Presence;
  /** Live events between connections and server instances. */
  readonly bus: EventBus;
  readonly log: FastifyBaseLogger;
  /** Students' programs: the sandboxed runner, its queue and the runs under way here. */
  readonly runs: RunService;
}
