import { Redis } from "ioredis";

/**
 * Every connection's delay before its next reconnection attempt: at most 500 ms (ioredis'
 * default grows to 2 s), so documents, channels and queues resume soon after a Redis restart.
 */
export const reconnectDelay = (attempt: number): number => Math.min(attempt * 50, 500);

/**
 * Connects to Redis (REDIS_URL) and waits until it answers, so a wrong URL fails the start
 * with a clear message instead of failing requests later.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 3,
    enableOfflineQueue: true,
    retryStrategy: reconnectDelay,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`REDIS_URL: cannot reach Redis (${err instanceof Error ? err.message : String(err)})`);
  }
  return redis;
}
