/**
 * Database writes that outlive a database outage (PostgreSQL restarted, failed over, briefly
 * unreachable): a write that fails because the database cannot be reached is tried again after
 * an exponential backoff with jitter (200 ms doubling to 5 s), for as long as the server runs;
 * a write the database refused (a constraint, a deleted row) fails at once, as before. What is
 * being written stays in memory meanwhile, so nothing acknowledged to a client is lost. When
 * the server stops, every write still waiting gets one bounded last attempt (`endWriteRetries`).
 * An outage is logged once when it begins and once when it ends, whatever the number of writes;
 * the first write that gets through wakes the others waiting, so they need not wait out their backoff.
 */

/** The first wait after a failed attempt, doubled after each further failure up to the longest. */
export const FIRST_RETRY_MS = 200;
export const LONGEST_RETRY_MS = 5000;

/**
 * At shutdown, how long writes may still wait for an unreachable database: the process gives up
 * on a graceful stop after 10 s (main.ts), and documents, edits and runs are all written in it.
 */
export const LAST_ATTEMPT_MS = 4000;

/** Where an outage is told: the server's logger, or the run recorder's log. */
export interface RetryLog {
  error(message: string): void;
  info?(message: string): void;
}

/** Error codes of a database that cannot be reached, as node's net and PostgreSQL give them. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  // A Unix socket whose server is down has no socket file.
  "ENOENT",
  // admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down).
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

/** What pg says, without a code, of a connection that broke or never came. */
const UNREACHABLE_MESSAGE =
  /connection terminated|not queryable|timeout exceeded when trying to connect|terminating connection/i;

/**
 * Whether an error means the database could not be reached (worth another attempt), not that
 * it refused the write. Looks through `cause` and an AggregateError's `errors` (a connection
 * tried on several addresses).
 */
export function isUnreachable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 3) return false;
  const { code, message, cause, errors } = err as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === "string" && (UNREACHABLE_CODES.has(code) || code.startsWith("08"))) return true;
  if (typeof message === "string" && UNREACHABLE_MESSAGE.test(message)) return true;
  if (Array.isArray(errors) && errors.some((e) => isUnreachable(e, depth + 1))) return true;
  return isUnreachable(cause, depth + 1);
}

/**
 * The wait before the next attempt after `failures` failed ones: the exponential step, of which
 * a random half is taken off ("equal jitter"), so that the writes of a whole class kept during
 * one outage do not all hit the database again in the same millisecond.
 */
export function backoffMs(failures: number, random: () => number = Math.random): number {
  const step = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
  return step / 2 + random() * (step / 2);
}

/** The retries of one database: whether it is out, and when retrying must stop. */
export class WriteRetries {
  /** When the current outage began (the first failed attempt), null while the database answers. */
  private outageSince: number | null = null;
  private outageLog: RetryLog | undefined;
  /** After this time a failed attempt is the last one (set when the server stops). */
  private deadline = Number.POSITIVE_INFINITY;
  /** Writes waiting for their next attempt: woken at once when the database is back or the server stops. */
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly options: { backoff?: (failures: number) => number } = {}) {}

  /**
   * Runs `write` until it succeeds, trying again while the database cannot be reached. `write`
   * is given the attempt's number (1 for the first): a later attempt may find the effect of an
   * earlier one whose acknowledgement was lost with the connection.
   */
  async run<T>(what: string, write: (attempt: number) => Promise<T>, log?: RetryLog): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await write(attempt);
        this.recovered(log);
        return result;
      } catch (err) {
        if (!isUnreachable(err) || Date.now() >= this.deadline) throw err;
        this.failed(what, err, log);
        await this.sleep(this.options.backoff?.(attempt) ?? backoffMs(attempt));
      }
    }
  }

  /** The server stops: writes waiting are tried once more now, and retried for `lastAttemptMs` at most. */
  end(lastAttemptMs: number): void {
    this.deadline = Math.min(this.deadline, Date.now() + lastAttemptMs);
    this.wakeAll();
  }

  private failed(what: string, err: unknown, log: RetryLog | undefined): void {
    if (this.outageSince !== null) return;
    this.outageSince = Date.now();
    this.outageLog = log;
    log?.error(
      `database unreachable (${String(err)}) while ${what}: writes are kept and retried until it is back`,
    );
  }

  private recovered(log: RetryLog | undefined): void {
    if (this.outageSince === null) return;
    const outageMs = Date.now() - this.outageSince;
    this.outageSince = null;
    const told = this.outageLog ?? log;
    this.outageLog = undefined;
    told?.info?.(`database reachable again after ${outageMs} ms: the kept writes are being saved`);
    // The others need not wait out their backoff (up to 5 s) to find it back.
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  private sleep(ms: number): Promise<void> {
    const wait = Math.max(0, Math.min(ms, this.deadline - Date.now()));
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, wait);
      this.sleepers.add(wake);
    });
  }
}

/** One WriteRetries per open database (keyed by its query builder), shared by all its writers. */
const retriesByDatabase = new WeakMap<object, WriteRetries>();

function retriesOf(db: object): WriteRetries {
  let retries = retriesByDatabase.get(db);
  if (!retries) {
    retries = new WriteRetries();
    retriesByDatabase.set(db, retries);
  }
  return retries;
}

/** Runs a write on `db`, retried with backoff while the database cannot be reached (see above). */
export function retryWrite<T>(
  db: object,
  what: string,
  write: (attempt: number) => Promise<T>,
  log?: RetryLog,
): Promise<T> {
  return retriesOf(db).run(what, write, log);
}

/** The server stops: the writes still retrying on `db` get a last attempt, bounded by `lastAttemptMs`. */
export function endWriteRetries(db: object, lastAttemptMs: number): void {
  retriesOf(db).end(lastAttemptMs);
}
