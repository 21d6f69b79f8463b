import { Worker } from "node:worker_threads";

/** What the Kysely dialect needs from PGlite: the same shape in-process or through the worker. */
export interface PGliteQueryable {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
}

/** A database error from the worker, with PostgreSQL's SQLSTATE in `code` (e.g. 23505). */
export class PGliteError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly detail?: string,
    readonly constraint?: string,
  ) {
    super(message);
  }
}

interface Pending {
  resolve: (value: { rows: unknown[]; affectedRows?: number }) => void;
  reject: (err: Error) => void;
}

/**
 * Embedded PGlite in a worker thread (pglite-worker.mjs). Queries are messages; the server's
 * event loop stays free while the database works. One connection, like PGlite itself.
 */
export class PGliteWorkerClient implements PGliteQueryable {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on(
      "message",
      (message: { id?: number; rows?: unknown[]; affectedRows?: number; error?: Record<string, string> }) => {
        if (message.id === undefined) return;
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.error) {
          const e = message.error;
          pending.reject(new PGliteError(e.message ?? "database error", e.code, e.detail, e.constraint));
        } else {
          pending.resolve({
            rows: message.rows ?? [],
            ...(message.affectedRows !== undefined ? { affectedRows: message.affectedRows } : {}),
          });
        }
      },
    );
    const failAll = (err: Error) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on("error", failAll);
    worker.on("exit", (code) => failAll(new Error(`the database worker exited (code ${code})`)));
  }

  /** Starts the worker and waits until PGlite is open (dataDir null: in memory). */
  static async start(dataDir: string | null): Promise<PGliteWorkerClient> {
    const worker = new Worker(new URL("./pglite-worker.mjs", import.meta.url), { workerData: { dataDir } });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }) => {
        if (m.ready) {
          worker.off("message", onMessage);
          worker.off("error", reject);
          resolve();
        }
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
    });
    return new PGliteWorkerClient(worker);
  }

  private send(op: "query" | "exec" | "close", sql?: string, params?: unknown[]) {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<{ rows: unknown[]; affectedRows?: number }>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, sql, params });
    });
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<{ rows: R[]; affectedRows?: number }> {
    return (await this.send("query", sql, params)) as { rows: R[]; affectedRows?: number };
  }

  async exec(sql: string): Promise<void> {
    await this.send("exec", sql);
  }

  async close(): Promise<void> {
    if (this.failure) return;
    await this.send("close");
    this.failure = new Error("the database is closed");
    await this.worker.terminate();
  }
}
