/**
 * Counts failed logins so that guessing a password is stopped (429) after a few tries,
 * without letting a stranger lock the owner out:
 * - per account and client address: `maxFailures` (OBSERVER_LOGIN_FAILURES) failures from
 *   one address stop further tries on that account from that address only;
 * - per account, from all addresses together: ACCOUNT_CEILING_FACTOR times as many stop
 *   every try on that account (guessing spread over many addresses).
 * Each count lives 15 minutes from its first failure. A successful login clears its own
 * account+address count, not the account's: the owner logging in does not hand a guesser
 * elsewhere a fresh allowance.
 */
export interface LoginThrottle {
  isBlocked(account: string, address: string): Promise<boolean>;
  recordFailure(account: string, address: string): Promise<void>;
  recordSuccess(account: string, address: string): Promise<void>;
}

/** How many more failures the account as a whole takes than one address. */
export const ACCOUNT_CEILING_FACTOR = 10;

const pairKey = (account: string, address: string) => `pair:${address}:${account}`;
const accountKey = (account: string) => `account:${account}`;

abstract class CountingLoginThrottle implements LoginThrottle {
  constructor(protected readonly maxFailures: number) {}

  protected abstract count(key: string): Promise<number>;
  protected abstract add(key: string): Promise<void>;
  protected abstract clear(key: string): Promise<void>;

  async isBlocked(account: string, address: string): Promise<boolean> {
    const [pair, total] = await Promise.all([
      this.count(pairKey(account, address)),
      this.count(accountKey(account)),
    ]);
    return pair >= this.maxFailures || total >= this.maxFailures * ACCOUNT_CEILING_FACTOR;
  }

  async recordFailure(account: string, address: string): Promise<void> {
    await Promise.all([this.add(pairKey(account, address)), this.add(accountKey(account))]);
  }

  async recordSuccess(account: string, address: string): Promise<void> {
    await this.clear(pairKey(account, address));
  }
}

/** In-process throttle: fixed windows kept in a map. */
export class MemoryLoginThrottle extends CountingLoginThrottle {
  private readonly failures = new Map<string, { count: number; windowEnds: number }>();
  constructor(
    maxFailures: number,
    private readonly windowMs = 15 * 60 * 1000,
  ) {
    super(maxFailures);
  }

  protected async count(key: string): Promise<number> {
    return this.current(key)?.count ?? 0;
  }

  protected async add(key: string): Promise<void> {
    const entry = this.current(key);
    if (entry) entry.count += 1;
    else this.failures.set(key, { count: 1, windowEnds: Date.now() + this.windowMs });
    if (this.failures.size > 100_000) this.sweep();
  }

  protected async clear(key: string): Promise<void> {
    this.failures.delete(key);
  }

  private current(key: string) {
    const entry = this.failures.get(key);
    if (entry && entry.windowEnds <= Date.now()) {
      this.failures.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep() {
    const now = Date.now();
    for (const [key, entry] of this.failures) if (entry.windowEnds <= now) this.failures.delete(key);
  }
}

/** Minimal Redis surface the throttle needs (an ioredis client provides it). */
export interface RedisCounter {
  get(key: string): Promise<string | null>;
  incr(key: string): Promise<number>;
  pexpire(key: string, ms: number): Promise<number>;
  del(key: string): Promise<number>;
}

/** Throttle shared by every server instance through Redis (counters with a TTL). */
export class RedisLoginThrottle extends CountingLoginThrottle {
  constructor(
    private readonly redis: RedisCounter,
    maxFailures: number,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly prefix = "observer:login-failures:",
  ) {
    super(maxFailures);
  }

  protected async count(key: string): Promise<number> {
    return Number((await this.redis.get(this.prefix + key)) ?? 0);
  }

  protected async add(key: string): Promise<void> {
    const count = await this.redis.incr(this.prefix + key);
    if (count === 1) await this.redis.pexpire(this.prefix + key, this.windowMs);
  }

  protected async clear(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
