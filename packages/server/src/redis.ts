import { Redis } from "ioredis";

/**
 * Connects to Redis (REDIS_URL) and waits until it answers, so a wrong URL fails the start
 * with a clear message instead of failing requests later.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`REDIS_URL: cannot reach Redis (${err instanceof Error ? err.message : String(err)})`);
  }
  return redis;
}
