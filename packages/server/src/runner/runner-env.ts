import { availableParallelism, hostname } from "node:os";
import { z } from "zod";
import { NO_SANDBOX_IN_PRODUCTION, type RunLimits, runLimitsFromEnv } from "../exec/limits.ts";

/** A runner's settings (`npm run runner`), validated once; see docs/OPERATIONS.md. */
export interface RunnerConfig {
  readonly redisUrl: string;
  /** The install's REDIS_PREFIX: the same as its servers'. */
  readonly redisPrefix: string;
  /** Runs at once. */
  readonly capacity: number;
  /** This runner's name in the heartbeats and logs; unique among the install's runners. */
  readonly name: string;
  readonly sandbox: "bwrap" | "none";
  readonly bwrapPath: string | null;
  readonly limits: Partial<RunLimits>;
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

const runnerEnvSchema = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).default("development"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL"),
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, "letters, digits and : . - _ only")
    .default("observer:"),
  OBSERVER_RUNNER_CAPACITY: z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1).max(1024))
    .optional(),
  OBSERVER_RUNNER_NAME: z
    .string()
    .regex(/^[\w.-]{1,100}$/, "letters, digits and . - _ only (at most 100)")
    .optional(),
  OBSERVER_SANDBOX: z.enum(["bwrap", "none"]).default("bwrap"),
  OBSERVER_BWRAP: z.string().regex(/^\//, "must be an absolute path").optional(),
  OBSERVER_RUN_MEMORY: z.string().optional(),
  OBSERVER_RUN_CPU_TIME: z.string().optional(),
  OBSERVER_RUN_PROCESSES: z.string().optional(),
  OBSERVER_RUN_OUTPUT: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type LoadedRunnerConfig = { ok: true; config: RunnerConfig } | { ok: false; problems: string[] };

/** Reads a runner's environment; every problem is named. */
export function loadRunnerConfig(env: NodeJS.ProcessEnv): LoadedRunnerConfig {
  const parsed = runnerEnvSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`),
    };
  }
  const e = parsed.data;
  if (e.NODE_ENV === "production" && e.OBSERVER_SANDBOX === "none")
    return { ok: false, problems: [NO_SANDBOX_IN_PRODUCTION] };
  const limitSettings = runLimitsFromEnv(e);
  if ("problem" in limitSettings) return { ok: false, problems: [limitSettings.problem] };
  const { limits } = limitSettings;
  return {
    ok: true,
    config: Object.freeze({
      redisUrl: e.REDIS_URL,
      redisPrefix: e.REDIS_PREFIX,
      capacity: e.OBSERVER_RUNNER_CAPACITY ?? availableParallelism(),
      name:
        e.OBSERVER_RUNNER_NAME ??
        `${hostname()
          .replace(/[^\w.-]/g, "-")
          .slice(0, 80)}-${process.pid}`,
      sandbox: e.OBSERVER_SANDBOX,
      bwrapPath: e.OBSERVER_BWRAP ?? null,
      limits,
      logLevel: e.LOG_LEVEL,
    }),
  };
}
