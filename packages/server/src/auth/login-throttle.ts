/**
 * Counts failed logins per account so that guessing one account's password is stopped
 * (429) after a few tries, whatever address the guesses come from. A success clears the count.
 */
export interface LoginThrottle {
  isBlocked(key: string): Promise<boolean>;
  recordFailure(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

/** In-process throttle: a fixed window per account. */
export class MemoryLoginThrottle implements LoginThrottle {
  private readonly failures = new Map<string, { count: number; windowEnds: number }>();
  constructor(
    private readonly maxFailures: number,
    private readonly windowMs = 15 * 60 * 1000,
  ) {}

  async isBlocked(key: string): Promise<boolean> {
    const entry = this.current(key);
    return entry !== undefined && entry.count >= this.maxFailures;
  }

  async recordFailure(key: string): Promise<void> {
    const entry = this.current(key);
    if (entry) entry.count += 1;
    else this.failures.set(key, { count: 1, windowEnds: Date.now() + this.windowMs });
    if (this.failures.size > 100_000) this.sweep();
  }

  async reset(key: string): Promise<void> {
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

/** Throttle shared by every server instance through Redis (a counter per account with a TTL). */
export class RedisLoginThrottle implements LoginThrottle {
  constructor(
    private readonly redis: RedisCounter,
    private readonly maxFailures: number,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly prefix = "observer:login-failures:",
  ) {}

  async isBlocked(key: string): Promise<boolean> {
    return Number((await this.redis.get(this.prefix + key)) ?? 0) >= this.maxFailures;
  }

  async recordFailure(key: string): Promise<void> {
    const count = await this.redis.incr(this.prefix + key);
    if (count === 1) await this.redis.pexpire(this.prefix + key, this.windowMs);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
