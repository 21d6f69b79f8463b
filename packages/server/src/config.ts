import type { RunLimits } from "./exec/limits.ts";

/** Where the data lives: embedded PGlite in a folder (or memory, for tests) or a PostgreSQL server. */
export type DatabaseConfig =
  | { kind: "pglite"; dataDir: string | null }
  | { kind: "postgres"; url: string; schema?: string };

/** Everything the server needs, validated once (see env.ts) and frozen. buildServer never reads process.env. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly production: boolean;
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly redisUrl: string | null;
  /** Prefix of every Redis key and channel of this install (several installs may share a Redis). */
  readonly redisPrefix: string;
  readonly jwtSecret: string;
  /** Fastify's trustProxy: false, true, a hop count, or a list of addresses/CIDRs. */
  readonly trustProxy: boolean | number | string[];
  readonly teacherSignup: "open" | "closed";
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Folder of the built web app, or null to serve the API only. */
  readonly webDir: string | null;
  readonly rateLimits: {
    /** Requests per minute per client address, whole API. */
    readonly apiPerMinute: number;
    /** Register/login requests per minute per client address. */
    readonly authPerMinute: number;
    /** Failed logins per account before further attempts get 429, per 15 minutes. */
    readonly loginFailuresPerAccount: number;
  };
  /** Running students' programs. */
  readonly runs: {
    /** "none" runs programs WITHOUT a sandbox: development only, refused in production. */
    readonly sandbox: "bwrap" | "none";
    /** The bubblewrap binary; null to look in /usr/bin and /usr/local/bin. */
    readonly bwrapPath: string | null;
    /** Runs at once; null for the number of cores. */
    readonly concurrency: number | null;
    /** Operator overrides of the default limits of a program run (memory, CPU time...). */
    readonly limits: Partial<RunLimits>;
    /** Check the sandbox and start warm launchers when the server starts, not at the first run. */
    readonly prepareAtStart: boolean;
    /** Program runs per minute per client address (POST .../runs). */
    readonly perMinute: number;
  };
}
