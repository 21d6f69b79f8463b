import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { loadRunnerConfig } from "./runner-env.ts";

describe("loadRunnerConfig", () => {
  it("needs REDIS_URL, and takes as many runs as there are cores unless told", () => {
    const missing = loadRunnerConfig({});
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.problems.join("\n")).toMatch(/REDIS_URL/);
    const loaded = loadRunnerConfig({ REDIS_URL: "redis://cache:6379" });
    if (!loaded.ok) throw new Error(loaded.problems.join("; "));
    expect(loaded.config).toMatchObject({
      redisUrl: "redis://cache:6379",
      redisPrefix: "observer:",
      capacity: availableParallelism(),
      sandbox: "bwrap",
    });
    expect(loaded.config.name).toMatch(new RegExp(`-${process.pid}$`));
  });

  it("reads the capacity, the name and the limits, and names every bad one", () => {
    const loaded = loadRunnerConfig({
      REDIS_URL: "redis://cache:6379",
      REDIS_PREFIX: "school:",
      OBSERVER_RUNNER_CAPACITY: "12",
      OBSERVER_RUNNER_NAME: "lab-runner-1",
      OBSERVER_RUN_MEMORY: "512M",
    });
    if (!loaded.ok) throw new Error(loaded.problems.join("; "));
    expect(loaded.config).toMatchObject({ capacity: 12, name: "lab-runner-1", redisPrefix: "school:" });
    expect(loaded.config.limits.memoryBytes).toBe(512 * 1024 * 1024);
    const bad = loadRunnerConfig({
      REDIS_URL: "http://cache",
      OBSERVER_RUNNER_CAPACITY: "0",
      OBSERVER_RUNNER_NAME: "has space",
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      const problems = bad.problems.join("\n");
      expect(problems).toMatch(/REDIS_URL/);
      expect(problems).toMatch(/OBSERVER_RUNNER_CAPACITY/);
      expect(problems).toMatch(/OBSERVER_RUNNER_NAME/);
    }
  });

  it("refuses to run programs without a sandbox in production", () => {
    const loaded = loadRunnerConfig({
      REDIS_URL: "redis://c:6379",
      NODE_ENV: "production",
      OBSERVER_SANDBOX: "none",
    });
    expect(loaded.ok).toBe(false);
  });
});
