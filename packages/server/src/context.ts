import type { FastifyBaseLogger } from "fastify";
import type { AccessTokens } from "./auth/access-tokens.ts";
import type { LiveSockets } from "./auth/live-sockets.ts";
import type { LoginThrottle } from "./auth/login-throttle.ts";
import type { SetupToken } from "./auth/setup-token.ts";
import type { EventBus } from "./bus/event-bus.ts";
import type { Config } from "./config.ts";
import type { Presence } from "./presence/presence.ts";
import type { RunService } from "./runs/run-service.ts";
import type { SecretBox } from "./secrets/secret-box.ts";
import type { Db } from "./storage/database.ts";
import type { StudentQuota } from "./storage/student-quota.ts";

/** What commands need from the running server. Passed explicitly: `command(ctx, props)`. */
export interface Ctx {
  readonly db: Db;
  readonly config: Config;
  readonly tokens: AccessTokens;
  readonly loginThrottle: LoginThrottle;
  /** Protects the first registration of a fresh install. */
  readonly setupToken: SetupToken;
  /** Who is online and when students last edited, across instances. */
  readonly presence: Presence;
  /** Live events between connections and server instances. */
  readonly bus: EventBus;
  /** The open sockets of this instance by user: capped, and re-checked when rights shrink. */
  readonly sockets: LiveSockets;
  readonly log: FastifyBaseLogger;
  /** Students' programs: the sandboxed runner, its queue and the runs under way here. */
  readonly runs: RunService;
  /** Each student's storage quota per session (history and run output). */
  readonly storage: StudentQuota;
  /** Encrypts the stored secrets (AI API keys, GitHub tokens). */
  readonly secrets: SecretBox;
}
