import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Language, studentDocumentName } from "@observer/protocol";
import { Redis } from "ioredis";
import pg from "pg";
import { documentCode } from "../../src/collab/document-code.ts";
import { apiCall, registerOver } from "../http-client.ts";
import { freePort, type SpawnedServer, spawnServer, waitHealthy } from "../spawn-server.ts";
import { killNow, killOnExit } from "./processes.ts";
import { startBalancer, type TcpBalancer } from "./tcp-balancer.ts";

/**
 * Several server instances as a deployment runs them, each the real entry point in its own
 * process: one fresh PostgreSQL database and one Redis (under a key prefix of their own)
 * shared, a round-robin balancer in front. Tests kill instances with SIGKILL, start them
 * again on the same port, and add more processes (runners) that `close()` stops too.
 */
export interface FaultCluster {
  /** The balancer's URL: what a browser would be given. */
  url: string;
  balancer: TcpBalancer;
  instances: ClusterInstance[];
  database: FaultDatabase;
  redisUrl: string;
  redisPrefix: string;
  /** SIGKILLs an instance (no shutdown, no last save); resolves once it has exited, with Date.now() then. */
  kill(index: number): Promise<number>;
  /** Starts a killed or stopped instance again, on its port and data dir; resolves once healthy. */
  start(index: number): Promise<void>;
  /**
   * Takes charge of another process of the deployment, stopped (before the instances) by
   * `close()`: the runners (`spawnRunner`, added by the runner work) go here.
   */
  adopt(stop: () => Promise<unknown>): void;
  /** A teacher, their session and `students` joined students, registered over HTTP through `via` (the balancer). */
  classroom(students: number, options?: { via?: string; language?: Language }): Promise<Classroom>;
  /** The end of each instance's output (of its last process, also once killed): to print when a test fails. */
  outputTail(chars?: number): string;
  /** Stops everything, drops the database and the Redis keys (idempotent; also after a failure). */
  close(): Promise<void>;
}

export interface ClusterInstance {
  index: number;
  port: number;
  /** The instance itself, bypassing the balancer: to put a client on this instance. */
  url: string;
  /** The running process, null while killed. */
  server: SpawnedServer | null;
  dataDir: string;
  /** What its current or last process printed. */
  output(): string;
}

export interface ClusterOptions {
  /** How many server instances (2 unless said). */
  instances?: number;
  /** The Redis they share: the machine's for most tests, a private one's for a test that restarts it. */
  redisUrl: string;
  /** More environment for every instance (for example OBSERVER_RUNNERS=remote). */
  env?: Record<string, string>;
}

/** An account registered over HTTP. */
export interface Account {
  id: string;
  email: string;
  name: string;
  accessToken: string;
}

export interface Classroom {
  teacher: Account;
  session: { id: string; joinCode: string };
  students: Account[];
}

/** The PostgreSQL server the suite runs on, by its maintenance database. */
const adminDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** How long an instance has to stop after SIGTERM before it is killed (main.ts gives itself 10 s). */
const STOP_GRACE_MS = 12_000;

/** Starts the instances (in parallel), seeds the install's admin, and puts the balancer in front. */
export async function startCluster(options: ClusterOptions): Promise<FaultCluster> {
  const count = options.instances ?? 2;
  const database = await createFaultDatabase();
  const redisPrefix = `observer-fault-${randomBytes(4).toString("hex")}:`;
  // One secret for all: a token issued by one instance is accepted by the others.
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: redisPrefix,
    JWT_SECRET: randomBytes(48).toString("base64url"),
    OBSERVER_SECRET_KEY: randomBytes(32).toString("base64"),
    // Every client of a test comes from 127.0.0.1: the per-address limits would count them as one.
    OBSERVER_RATE_LIMIT_AUTH: "100000",
    OBSERVER_RATE_LIMIT_API: "100000",
    ...options.env,
  };
  const instances: ClusterInstance[] = [];
  /** Each instance's current or last process: its output stays readable once it is killed. */
  const lastProcess = new Map<number, SpawnedServer>();
  for (let index = 0; index < count; index++) {
    const port = await freePort();
    instances.push({
      index,
      port,
      url: `http://127.0.0.1:${port}`,
      server: null,
      dataDir: mkdtempSync(path.join(tmpdir(), `observer-fault-${index}-`)),
      output: () => lastProcess.get(index)?.output() ?? "",
    });
  }
  const adopted: (() => Promise<unknown>)[] = [];
  let balancer: TcpBalancer | null = null;
  let closed = false;

  const start = async (index: number) => {
    const instance = instances[index];
    if (!instance) throw new Error(`no instance ${index}`);
    if (instance.server) throw new Error(`instance ${index} is running`);
    const server = await spawnServer(env, instance.dataDir, instance.port);
    killOnExit(server.child);
    instance.server = server;
    lastProcess.set(index, server);
    await waitHealthy(server);
  };

  const close = async () => {
    if (closed) return;
    closed = true;
    const errors: unknown[] = [];
    const attempt = async (step: () => Promise<unknown>) => {
      await step().catch((err: unknown) => errors.push(err));
    };
    for (const stop of adopted.splice(0).reverse()) await attempt(stop);
    if (balancer) await attempt(() => (balancer as TcpBalancer).close());
    await Promise.all(instances.map((instance) => attempt(() => stopInstance(instance))));
    await attempt(() => database.drop());
    await attempt(() => deleteKeys(options.redisUrl, redisPrefix));
    for (const instance of instances) rmSync(instance.dataDir, { recursive: true, force: true });
    if (errors.length > 0) throw new AggregateError(errors, "closing the fault cluster failed");
  };

  let front: TcpBalancer;
  try {
    await Promise.all(instances.map((instance) => start(instance.index)));
    // The first account of an install becomes its admin: taken here, so the test's teacher is a teacher.
    await register(instances[0]?.url as string, "teacher", "Admin");
    front = await startBalancer(instances.map((i) => i.port));
    balancer = front;
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
  return {
    url: front.url,
    balancer: front,
    instances,
    database,
    redisUrl: options.redisUrl,
    redisPrefix,
    async kill(index) {
      const instance = instances[index];
      if (!instance?.server) throw new Error(`instance ${index} is not running`);
      await killNow(instance.server.child);
      instance.server = null;
      return Date.now();
    },
    start,
    adopt: (stop) => {
      adopted.push(stop);
    },
    outputTail: (chars = 4000) =>
      instances
        .map((i) => `--- instance ${i.index} (port ${i.port}) ---\n${i.output().slice(-chars)}`)
        .join("\n"),
    classroom: (students, classOptions = {}) =>
      classroomOver(classOptions.via ?? front.url, students, classOptions.language),
    close,
  };
}

/** Stops a running instance with SIGTERM (SIGKILL if it takes too long). */
async function stopInstance(instance: ClusterInstance): Promise<void> {
  const server = instance.server;
  if (!server) return;
  instance.server = null;
  const timer = setTimeout(() => server.child.kill("SIGKILL"), STOP_GRACE_MS);
  try {
    await server.stop("SIGTERM");
  } finally {
    clearTimeout(timer);
  }
}

let accounts = 0;

/** Registers an account over HTTP (password "correct horse battery"). */
export async function register(baseUrl: string, role: "teacher" | "student", name: string): Promise<Account> {
  accounts += 1;
  const email = `fault-${accounts}-${randomBytes(3).toString("hex")}@example.org`;
  const { id, accessToken } = await registerOver(baseUrl, { email, name, role });
  return { id, email, name, accessToken };
}

/** Joins a session by its code over HTTP. */
export async function join(baseUrl: string, account: Account, joinCode: string): Promise<void> {
  const joined = await apiCall(baseUrl, "POST", "/api/sessions/join", {
    token: account.accessToken,
    body: { joinCode },
  });
  if (joined.status !== 200) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.json)}`);
}

/** A teacher, a session of theirs and `students` students who joined it, all over HTTP. */
export async function classroomOver(
  baseUrl: string,
  students: number,
  language: Language = "python",
): Promise<Classroom> {
  const teacher = await register(baseUrl, "teacher", "Teacher");
  const created = await apiCall<{ session: { id: string; joinCode: string } }>(
    baseUrl,
    "POST",
    "/api/sessions",
    { token: teacher.accessToken, body: { name: "Under faults", language } },
  );
  if (created.status !== 201) throw new Error(`create session: ${created.status}`);
  const session = created.json.session;
  const list = await Promise.all(
    Array.from({ length: students }, async (_, i) => {
      const student = await register(baseUrl, "student", `Student ${i + 1}`);
      await join(baseUrl, student, session.joinCode);
      return student;
    }),
  );
  return { teacher, session: { id: session.id, joinCode: session.joinCode }, students: list };
}

/** A fresh PostgreSQL database on the suite's server, for one cluster. */
export interface FaultDatabase {
  url: string;
  name: string;
  /** The students' stored code (null for a document never saved), by user id. */
  storedCodes(sessionId: string, userIds: readonly string[]): Promise<Map<string, string | null>>;
  /** Drops the database, disconnecting whoever is still on it (idempotent). */
  drop(): Promise<void>;
}

/** Creates `observer_fault_<random>` on the suite's PostgreSQL. */
export async function createFaultDatabase(): Promise<FaultDatabase> {
  const name = `observer_fault_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async storedCodes(sessionId, userIds) {
      const names = userIds.map((id) => studentDocumentName(sessionId, id));
      const { rows } = await pool.query<{ name: string; state: Buffer }>(
        "select name, state from documents where name = any($1)",
        [names],
      );
      const byName = new Map(rows.map((row) => [row.name, row.state]));
      return new Map(
        userIds.map((id, i) => {
          const state = byName.get(names[i] as string);
          return [id, state ? documentCode(new Uint8Array(state), "python").code : null];
        }),
      );
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end();
      const client = new pg.Client({ connectionString: adminDatabaseUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Deletes a cluster's keys from its Redis; nothing to do when that Redis is gone (a private one stopped). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
  } catch {
    redis.disconnect();
    return;
  }
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
