import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Config } from "./config.ts";
import { NO_SANDBOX_IN_PRODUCTION, runLimitsFromEnv } from "./exec/limits.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const intString = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const envSchema = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).default("development"),
  PORT: intString(0, 65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  OBSERVER_DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, "letters, digits and : . - _ only")
    .default("observer:"),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  TRUST_PROXY: z.string().default("false"),
  OBSERVER_TEACHER_SIGNUP: z.enum(["open", "closed"]).default("open"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  OBSERVER_WEB_DIR: z.string().optional(),
  OBSERVER_RATE_LIMIT_API: intString(1, 1_000_000).default(1200),
  OBSERVER_RATE_LIMIT_AUTH: intString(1, 1_000_000).default(1000),
  OBSERVER_LOGIN_FAILURES: intString(1, 1000).default(10),
  OBSERVER_SANDBOX: z.enum(["bwrap", "none"]).default("bwrap"),
  OBSERVER_BWRAP: z.string().regex(/^\//, "must be an absolute path").optional(),
  OBSERVER_RUN_CONCURRENCY: intString(1, 256).optional(),
  OBSERVER_RUNNERS: z.enum(["local", "remote"]).default("local"),
  OBSERVER_RUN_MEMORY: z.string().optional(),
  OBSERVER_RUN_CPU_TIME: z.string().optional(),
  OBSERVER_RUN_PROCESSES: z.string().optional(),
  OBSERVER_RUN_OUTPUT: z.string().optional(),
  OBSERVER_RATE_LIMIT_RUNS: intString(1, 1_000_000).default(120),
  OBSERVER_STUDENT_QUOTA_MB: intString(2, 100_000).default(50),
  OBSERVER_HISTORY_RETENTION_DAYS: intString(1, 36_500).optional(),
  OBSERVER_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").max(512).optional(),
  OBSERVER_WS_HEARTBEAT_MS: intString(1000, 120_000).default(10_000),
  OBSERVER_SESSION_END_GRACE_MS: intString(0, 60_000).default(3000),
  OBSERVER_MAX_SOCKETS_PER_USER: intString(1, 10_000).default(20),
  OBSERVER_SECRET_KEY: z
    .string()
    .trim()
    .refine(
      (s) => decodeSecretKey(s) !== null,
      "must be 32 bytes as base64 (44 characters) or hex (64 characters): openssl rand -base64 32",
    )
    .optional(),
  OBSERVER_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/\s]+(\/[^\s]*)?$/, "must be an http:// or https:// URL")
    .transform((s) => s.replace(/\/+$/, ""))
    .optional(),
  GITHUB_CLIENT_ID: z.string().trim().min(1).max(200).optional(),
  GITHUB_CLIENT_SECRET: z.string().trim().min(1).max(200).optional(),
  GITHUB_API_URL: z
    .string()
    .regex(/^https?:\/\//, "must be an http:// or https:// URL")
    .transform((s) => s.replace(/\/+$/, ""))
    .default("https://api.github.com"),
  GITHUB_WEB_URL: z
    .string()
    .regex(/^https?:\/\//, "must be an http:// or https:// URL")
    .transform((s) => s.replace(/\/+$/, ""))
    .default("https://github.com"),
  OBSERVER_AI_FIRST_TOKEN_MS: intString(1000, 300_000).default(15_000),
  OBSERVER_AI_ANSWER_MS: intString(5000, 600_000).default(120_000),
});

/** OBSERVER_SECRET_KEY's 32 bytes, from base64 or hex; null when it is neither. */
export function decodeSecretKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    return key.length === 32 ? key : null;
  }
  return null;
}

/** Parses TRUST_PROXY: "true"/"false", a hop count, or a comma-separated list of addresses. */
function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === "true") return true;
  if (value === "false" || value === "") return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(",").map((s) => s.trim());
}

/** Reads the JWT secret kept in the data dir, creating it on first start (development only). */
function persistedJwtSecret(dataDir: string): string {
  const file = path.join(dataDir, "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Reads the secret key kept in the data dir, creating it on first start (development only). */
function persistedSecretKey(dataDir: string): Buffer {
  const file = path.join(dataDir, "secret-key");
  if (existsSync(file)) {
    const key = decodeSecretKey(readFileSync(file, "utf8").trim());
    if (key) return key;
    throw new Error(
      `${file} does not hold a 32-byte key; remove it to make a new one (stored secrets are then lost)`,
    );
  }
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600 });
  return key;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/**
 * Validates every variable of the environment once. Returns all problems together so the
 * operator can fix them in one go. Creates the data dir (and the development JWT secret).
 */
export function loadConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
    };
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  if (production && !e.JWT_SECRET) {
    return { ok: false, problems: ["JWT_SECRET: required when NODE_ENV=production (32+ characters)"] };
  }
  if (production && !e.OBSERVER_SECRET_KEY) {
    return {
      ok: false,
      problems: [
        "OBSERVER_SECRET_KEY: required when NODE_ENV=production (it encrypts the stored AI keys and GitHub tokens): openssl rand -base64 32",
      ],
    };
  }
  if (e.GITHUB_CLIENT_ID && !e.GITHUB_CLIENT_SECRET) {
    return { ok: false, problems: ["GITHUB_CLIENT_SECRET: required with GITHUB_CLIENT_ID"] };
  }
  if (e.OBSERVER_RUNNERS === "remote" && !e.REDIS_URL) {
    return {
      ok: false,
      problems: ["OBSERVER_RUNNERS: 'remote' takes runs to runners through Redis: set REDIS_URL"],
    };
  }
  if (production && e.OBSERVER_SANDBOX === "none") return { ok: false, problems: [NO_SANDBOX_IN_PRODUCTION] };
  if (production && e.TRUST_PROXY === "true") {
    return {
      ok: false,
      problems: [
        "TRUST_PROXY: 'true' trusts every X-Forwarded-For entry, and nginx appends to what the client sent, so each client picks its own address (rate limits and login throttling then stop working). Give the number of proxies in front (1 for one nginx) or their addresses (e.g. 127.0.0.1); it is refused when NODE_ENV=production",
      ],
    };
  }
  const limitSettings = runLimitsFromEnv(e);
  if ("problem" in limitSettings) return { ok: false, problems: [limitSettings.problem] };
  const runLimits = limitSettings.limits;
  const dataDir = path.resolve(e.OBSERVER_DATA_DIR);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    return { ok: false, problems: [`OBSERVER_DATA_DIR: cannot create ${dataDir}: ${String(err)}`] };
  }
  let secretKey: Buffer;
  try {
    secretKey = e.OBSERVER_SECRET_KEY
      ? (decodeSecretKey(e.OBSERVER_SECRET_KEY) as Buffer)
      : persistedSecretKey(dataDir);
  } catch (err) {
    return { ok: false, problems: [`OBSERVER_SECRET_KEY: ${(err as Error).message}`] };
  }
  const webDir = e.OBSERVER_WEB_DIR
    ? path.resolve(e.OBSERVER_WEB_DIR)
    : path.join(repoRoot, "packages/web/dist");
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    production,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL }
      : { kind: "pglite", dataDir: path.join(dataDir, "pglite") },
    redisUrl: e.REDIS_URL ?? null,
    redisPrefix: e.REDIS_PREFIX,
    jwtSecret: e.JWT_SECRET ?? persistedJwtSecret(dataDir),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    metricsToken: e.OBSERVER_METRICS_TOKEN ?? null,
    teacherSignup: e.OBSERVER_TEACHER_SIGNUP,
    logLevel: e.LOG_LEVEL,
    webDir: existsSync(path.join(webDir, "index.html")) ? webDir : null,
    rateLimits: {
      apiPerMinute: e.OBSERVER_RATE_LIMIT_API,
      authPerMinute: e.OBSERVER_RATE_LIMIT_AUTH,
      loginFailuresPerAccount: e.OBSERVER_LOGIN_FAILURES,
    },
    live: {
      heartbeatMs: e.OBSERVER_WS_HEARTBEAT_MS,
      sessionEndGraceMs: e.OBSERVER_SESSION_END_GRACE_MS,
    },
    maxSocketsPerUser: e.OBSERVER_MAX_SOCKETS_PER_USER,
    storage: {
      studentQuotaBytes: e.OBSERVER_STUDENT_QUOTA_MB * 1024 * 1024,
      historyRetentionDays: e.OBSERVER_HISTORY_RETENTION_DAYS ?? null,
    },
    runs: {
      runners: e.OBSERVER_RUNNERS,
      sandbox: e.OBSERVER_SANDBOX,
      bwrapPath: e.OBSERVER_BWRAP ?? null,
      concurrency: e.OBSERVER_RUN_CONCURRENCY ?? null,
      limits: runLimits,
      prepareAtStart: true,
      perMinute: e.OBSERVER_RATE_LIMIT_RUNS,
    },
    secretKey,
    publicUrl: e.OBSERVER_PUBLIC_URL ?? null,
    github:
      e.GITHUB_CLIENT_ID && e.GITHUB_CLIENT_SECRET
        ? {
            clientId: e.GITHUB_CLIENT_ID,
            clientSecret: e.GITHUB_CLIENT_SECRET,
            apiUrl: e.GITHUB_API_URL,
            webUrl: e.GITHUB_WEB_URL,
          }
        : null,
    ai: { firstTokenTimeoutMs: e.OBSERVER_AI_FIRST_TOKEN_MS, answerTimeoutMs: e.OBSERVER_AI_ANSWER_MS },
  };
  return { ok: true, config: Object.freeze(config) };
}
