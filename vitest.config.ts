import { defineConfig } from "vitest/config";

/**
 * One test command for everything. Projects:
 * - unit: tests beside the code (`packages/*\/src/**\/*.test.ts`), and the docs' tree map (`scripts/`).
 * - integration-pglite: the server through real HTTP/WebSockets on embedded PGlite.
 * - integration-postgres: the same suite against PostgreSQL (but the sandbox's tests, which use no
 *   database), only when TEST_DATABASE_URL is set.
 * - integration-redis: several instances sharing PostgreSQL and Redis, when both test URLs are set.
 * - faults: instances and runners as processes, killed and restarted, with their own Redis or
 *   PostgreSQL where a test restarts one (when both test URLs are set).
 * - e2e: Debian's Chromium driven by playwright-core against a started server.
 */
const integration = ["packages/server/test/**/*.test.ts"];
/** Processes under faults (killed, Redis or PostgreSQL restarted): their own project, one file at a time. */
const faults = ["packages/server/test/faults/**/*.test.ts"];
const withPostgres = Boolean(process.env.TEST_DATABASE_URL);
// Several instances share one PostgreSQL and one Redis: both are needed.
const withRedis = Boolean(process.env.TEST_REDIS_URL) && withPostgres;
const redisSuite = [
  "packages/server/test/integration/redis.test.ts",
  "packages/server/test/integration/presence-redis.test.ts",
  "packages/server/test/integration/controls-redis.test.ts",
  "packages/server/test/integration/hands-redis.test.ts",
  "packages/server/test/integration/runner-registry-redis.test.ts",
  "packages/server/test/integration/event-bus-redis.test.ts",
  "packages/server/test/integration/remote-run-queue-redis.test.ts",
];

/** Tests of exec/ alone, through real bwrap and no database. */
const sandboxOnly = ["packages/server/test/exec/**/*.test.ts"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration-pglite",
          include: integration,
          exclude: [...redisSuite, ...faults],
          env: { OBSERVER_TEST_DB: "pglite" },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      ...(withPostgres
        ? [
            {
              test: {
                name: "integration-postgres",
                include: integration,
                // The sandbox's own tests use no database (exec/ never imports storage/): PGlite's run is enough.
                exclude: [...redisSuite, ...faults, ...sandboxOnly],
                env: { OBSERVER_TEST_DB: "postgres" },
                testTimeout: 30_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
      ...(withRedis
        ? [
            {
              test: {
                name: "integration-redis",
                include: redisSuite,
                env: { OBSERVER_TEST_DB: "postgres" },
                testTimeout: 30_000,
                hookTimeout: 60_000,
              },
            },
            {
              test: {
                name: "faults",
                include: faults,
                env: { OBSERVER_TEST_DB: "postgres" },
                testTimeout: 120_000,
                hookTimeout: 120_000,
                fileParallelism: false,
              },
            },
          ]
        : []),
      {
        test: {
          name: "e2e",
          include: ["e2e/tests/**/*.test.ts"],
          globalSetup: ["e2e/support/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // A page waits for the server and the browser: expect.poll gets what a person would wait.
          expect: { poll: { timeout: 10_000 } },
          fileParallelism: false,
        },
      },
    ],
  },
});
