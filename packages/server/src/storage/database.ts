import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { DatabaseConfig } from "../config.ts";
import { runMigrations, type ScriptRunner } from "./migrator.ts";
import { PGliteWorkerClient } from "./pglite-client.ts";
import { PGliteDialect } from "./pglite-dialect.ts";
import { endWriteRetries } from "./retry-write.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;

/** An open database: the query builder, and how to close it. */
export interface OpenDatabase {
  db: Db;
  kind: DatabaseConfig["kind"];
  close(): Promise<void>;
}

/**
 * Opens embedded PGlite (in a folder, or in memory when dataDir is null) or a PostgreSQL
 * server, and applies the migrations before returning. Both speak the same SQL.
 */
export async function openDatabase(config: DatabaseConfig): Promise<OpenDatabase> {
  if (config.kind === "pglite") {
    const pglite = await PGliteWorkerClient.start(config.dataDir);
    const runner: ScriptRunner = {
      async transaction(fn) {
        await pglite.exec("begin");
        try {
          await fn(async (sql, params) => {
            if (params) return (await pglite.query<Record<string, unknown>>(sql, params)).rows;
            await pglite.exec(sql);
            return [];
          });
          await pglite.exec("commit");
        } catch (err) {
          await pglite.exec("rollback").catch(() => {});
          throw err;
        }
      },
    };
    let db: Kysely<Database>;
    try {
      await runMigrations(runner);
      db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    } catch (err) {
      await pglite.close();
      throw err;
    }
    return {
      db,
      kind: "pglite",
      async close() {
        await db.destroy();
        await pglite.close();
      },
    };
  }

  if (config.schema) {
    const admin = new pg.Client({ connectionString: config.url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists "${config.schema.replace(/"/g, "")}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: 10,
    // A server that does not answer (a host gone, not a port refused) fails the query rather than hanging it.
    connectionTimeoutMillis: 10_000,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  // A connection that PostgreSQL closed (restarted, or the connection killed): unhandled, its
  // 'error' event would end the process. The pool reports those of idle connections and drops
  // them; a connection in use (between two statements of a transaction) reports on the client
  // itself, and its next query fails, so the pool drops it on release. Either way the next
  // query opens a new connection, and what it meant for writes shows on them
  // (storage/retry-write.ts retries them and logs the outage).
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const runner: ScriptRunner = {
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("begin");
        await fn(async (sql, params) => (await client.query(sql, params)).rows);
        await client.query("commit");
      } catch (err) {
        await client.query("rollback").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
  try {
    await runMigrations(runner);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: "postgres",
    async close() {
      // Writes still waiting for the database get one last attempt before the pool ends.
      endWriteRetries(db, 0);
      await db.destroy();
    },
  };
}
