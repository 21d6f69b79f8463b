import { afterAll, beforeAll } from "vitest";
import type { Config } from "../src/config.ts";
import { durableTestDatabase, startTestServer, type TestServer } from "./support.ts";

/** The Redis the integration-redis project shares (TEST_REDIS_URL), this machine's otherwise. */
export const testRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Instance A and B of a describe block, set once its `beforeAll` has run. */
export interface TwoInstances {
  a: TestServer;
  b: TestServer;
}

/**
 * Two server instances for the enclosing describe block, as a deployment runs them: sharing
 * one Redis under one key prefix (their own: no other test's instances hear them) and, unless
 * `sharedDatabase` is false, one database. Started before the block's tests (A seeds the admin),
 * closed and the database dropped after them. Read `a` and `b` inside the tests.
 */
export function useTwoInstances(
  options: { sharedDatabase?: boolean; config?: Partial<Config> } = {},
): TwoInstances {
  const instances = {} as TwoInstances;
  const database = options.sharedDatabase === false ? undefined : durableTestDatabase();
  beforeAll(async () => {
    instances.a = await startTestServer({ database, config: { ...options.config, redisUrl: testRedisUrl } });
    instances.b = await startTestServer({
      database,
      seedAdmin: false,
      config: { ...options.config, redisUrl: testRedisUrl, redisPrefix: instances.a.config.redisPrefix },
    });
  });
  afterAll(async () => {
    await instances.a?.close();
    await instances.b?.close();
    await database?.drop();
  });
  return instances;
}
