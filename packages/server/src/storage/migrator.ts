import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

type Exec = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Runs a function inside one database transaction, giving it a raw SQL executor. */
export interface ScriptRunner {
  transaction(fn: (exec: Exec) => Promise<void>): Promise<void>;
}

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** The migration files, in the order they apply (by their numeric prefix). */
export function migrationFiles(): { name: string; sql: string }[] {
  return readdirSync(migrationsDir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(path.join(migrationsDir, name), "utf8") }));
}

/**
 * Applies every migration not applied yet, in one transaction under an advisory lock, so
 * several servers starting at once against one PostgreSQL apply each migration exactly once.
 */
export async function runMigrations(runner: ScriptRunner): Promise<string[]> {
  const applied: string[] = [];
  await runner.transaction(async (exec) => {
    await exec("select pg_advisory_xact_lock($1)", [424242]);
    await exec(
      "create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())",
    );
    const done = new Set((await exec("select name from schema_migrations", [])).map((r) => String(r.name)));
    for (const migration of migrationFiles()) {
      if (done.has(migration.name)) continue;
      await exec(migration.sql);
      await exec("insert into schema_migrations (name) values ($1)", [migration.name]);
      applied.push(migration.name);
    }
  });
  return applied;
}
