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
  /**
   * Bearer token for GET /metrics. Null: /metrics answers only requests straight from the
   * server's own machine (loopback, not through a proxy).
   */
  readonly metricsToken: string | null;
  readonly teacherSignup: "open" | "closed";
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Folder of the built web app, or null to serve the API only. */
  readonly webDir: string | null;
  readonly rateLimits: {
    /**
     * Requests per minute to one API route per signed-in user; requests without a valid
     * access token count per client address.
     */
    readonly apiPerMinute: number;
    /** Register, login and refresh requests per minute per client address (each route its own count). */
    readonly authPerMinute: number;
    /**
     * Failed logins per account from one client address before that address gets 429 for the
     * account, per 15 minutes; the account as a whole takes 10 times as many (login-throttle.ts).
     */
    readonly loginFailuresPerAccount: number;
  };
  /** Live connections (WebSockets, collaboration). */
  readonly live: {
    /**
     * Interval of the ws-level pings on every socket; a socket that has not answered the last
     * ping by the next one is dropped (so a lost network shows as offline within 2 intervals).
     */
    readonly heartbeatMs: number;
    /**
     * After a session ends, its documents still take edits for this long (those in flight when
     * the teacher pressed End), then turn read-only.
     */
    readonly sessionEndGraceMs: number;
  };
  /**
   * WebSockets one user may hold open on one instance, all kinds together (a teacher's
   * dashboard holds one collaboration socket, the session channel and run terminals).
   */
  readonly maxSocketsPerUser: number;
  /** What each student may store per session. */
  readonly storage: {
    /**
     * Bytes of history and stored run output per student and session; past it old output is
     * cut to its tail, the history compacted, then new runs refused (storage/student-quota.ts).
     */
    readonly studentQuotaBytes: number;
    /**
     * Days an ended session's history (every saved moment of the code, the edit records) and its
     * runs' output are kept; null keeps them forever. The final code and the runs' results stay.
     */
    readonly historyRetentionDays: number | null;
  };
  /** Running students' programs. */
  readonly runs: {
    /**
     * Where programs run: "local" on this instance, "remote" on runner processes (`npm run
     * runner`) that take them from a queue in Redis; this instance then runs nothing itself.
     */
    readonly runners: "local" | "remote";
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
    /** Program runs per minute per user and session (POST .../runs). */
    readonly perMinute: number;
  };
  /** The key (32 bytes) that encrypts stored secrets: AI API keys, GitHub tokens (secrets/secret-box.ts). */
  readonly secretKey: Buffer;
  /** This install's address as browsers reach it (OAuth redirects); null: taken from each request. */
  readonly publicUrl: string | null;
  /** GitHub sign-in and saving; null when GITHUB_CLIENT_ID is unset (the features are off). */
  readonly github: {
    readonly clientId: string;
    readonly clientSecret: string;
    /** GitHub's REST API (https://api.github.com), or a local fake in tests. */
    readonly apiUrl: string;
    /** GitHub's web address (https://github.com): the OAuth authorize and access-token pages. */
    readonly webUrl: string;
  } | null;
  readonly ai: {
    /** How long the provider may take to send the first words of an answer before the student is told it is too slow. */
    readonly firstTokenTimeoutMs: number;
    /** How long a whole answer may take. */
    readonly answerTimeoutMs: number;
  };
}
