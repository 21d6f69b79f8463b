import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "./env.ts";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "observer-env-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("loadConfig", () => {
  it("applies the contract's defaults: port 8080, host 0.0.0.0, embedded PGlite in the data dir", () => {
    const dir = path.join(tempDir(), "data");
    const result = loadConfig({ OBSERVER_DATA_DIR: dir });
    if (!result.ok) throw new Error(result.problems.join("; "));
    expect(result.config.port).toBe(8080);
    expect(result.config.host).toBe("0.0.0.0");
    expect(result.config.database).toEqual({ kind: "pglite", dataDir: path.join(dir, "pglite") });
    expect(result.config.redisUrl).toBeNull();
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(Object.isFrozen(result.config)).toBe(true);
  });

  it("generates the JWT secret once and keeps it in the data dir (outside production)", () => {
    const dir = tempDir();
    const first = loadConfig({ OBSERVER_DATA_DIR: dir });
    const second = loadConfig({ OBSERVER_DATA_DIR: dir });
    if (!first.ok || !second.ok) throw new Error("config failed");
    expect(first.config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.config.jwtSecret).toBe(first.config.jwtSecret);
    expect(readFileSync(path.join(dir, "jwt-secret"), "utf8").trim()).toBe(first.config.jwtSecret);
    expect(statSync(path.join(dir, "jwt-secret")).mode & 0o077).toBe(0);
  });

  it("uses DATABASE_URL and REDIS_URL when set", () => {
    const result = loadConfig({
      OBSERVER_DATA_DIR: tempDir(),
      DATABASE_URL: "postgres://u@db:5432/observer",
      REDIS_URL: "redis://cache:6379",
    });
    if (!result.ok) throw new Error(result.problems.join("; "));
    expect(result.config.database).toEqual({ kind: "postgres", url: "postgres://u@db:5432/observer" });
    expect(result.config.redisUrl).toBe("redis://cache:6379");
  });

  it("runs programs here unless OBSERVER_RUNNERS=remote, which needs REDIS_URL", () => {
    const local = loadConfig({ OBSERVER_DATA_DIR: tempDir() });
    if (!local.ok) throw new Error(local.problems.join("; "));
    expect(local.config.runs.runners).toBe("local");
    const alone = loadConfig({ OBSERVER_DATA_DIR: tempDir(), OBSERVER_RUNNERS: "remote" });
    expect(alone.ok).toBe(false);
    if (!alone.ok) expect(alone.problems.join("\n")).toMatch(/OBSERVER_RUNNERS.*REDIS_URL/);
    const remote = loadConfig({
      OBSERVER_DATA_DIR: tempDir(),
      OBSERVER_RUNNERS: "remote",
      REDIS_URL: "redis://cache:6379",
    });
    if (!remote.ok) throw new Error(remote.problems.join("; "));
    expect(remote.config.runs.runners).toBe("remote");
  });

  it("requires JWT_SECRET in production", () => {
    const result = loadConfig({ NODE_ENV: "production", OBSERVER_DATA_DIR: tempDir() });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join("\n")).toMatch(/JWT_SECRET/);
  });

  it("lists every problem at once", () => {
    const result = loadConfig({
      PORT: "eighty",
      DATABASE_URL: "mysql://x",
      JWT_SECRET: "short",
      OBSERVER_TEACHER_SIGNUP: "maybe",
      OBSERVER_DATA_DIR: tempDir(),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.problems.join("\n");
    for (const name of ["PORT", "DATABASE_URL", "JWT_SECRET", "OBSERVER_TEACHER_SIGNUP"])
      expect(text).toContain(name);
    expect(result.problems).toHaveLength(4);
  });

  it("parses TRUST_PROXY as a boolean, a hop count or a list", () => {
    const dir = tempDir();
    const trust = (v: string) => {
      const r = loadConfig({ OBSERVER_DATA_DIR: dir, TRUST_PROXY: v });
      if (!r.ok) throw new Error(r.problems.join("; "));
      return r.config.trustProxy;
    };
    expect(trust("true")).toBe(true);
    expect(trust("false")).toBe(false);
    expect(trust("2")).toBe(2);
    expect(trust("127.0.0.1, 10.0.0.0/8")).toEqual(["127.0.0.1", "10.0.0.0/8"]);
  });

  it("refuses TRUST_PROXY=true in production, where a client would pick its own address; a hop count or address is fine", () => {
    const dir = tempDir();
    const production = (TRUST_PROXY: string) =>
      loadConfig({
        OBSERVER_DATA_DIR: dir,
        NODE_ENV: "production",
        JWT_SECRET: "a-production-secret-of-at-least-32-characters",
        OBSERVER_SECRET_KEY: "0".repeat(64),
        TRUST_PROXY,
      });
    const refused = production("true");
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problems.join(" ")).toMatch(/^TRUST_PROXY: .*X-Forwarded-For/);
    for (const fine of ["1", "127.0.0.1", "false"]) expect(production(fine).ok, fine).toBe(true);
  });

  it("reads OBSERVER_METRICS_TOKEN (16+ characters) and leaves it null when unset", () => {
    const dir = tempDir();
    const token = "0123456789abcdef-metrics";
    const set = loadConfig({ OBSERVER_DATA_DIR: dir, OBSERVER_METRICS_TOKEN: token });
    expect(set.ok && set.config.metricsToken).toBe(token);
    const unset = loadConfig({ OBSERVER_DATA_DIR: dir });
    expect(unset.ok && unset.config.metricsToken).toBeNull();
    const short = loadConfig({ OBSERVER_DATA_DIR: dir, OBSERVER_METRICS_TOKEN: "short" });
    expect(short.ok).toBe(false);
  });

  it("keeps a generated secret key in the data dir in development, and requires OBSERVER_SECRET_KEY in production", () => {
    const dir = tempDir();
    const first = loadConfig({ OBSERVER_DATA_DIR: dir });
    const second = loadConfig({ OBSERVER_DATA_DIR: dir });
    if (!first.ok || !second.ok) throw new Error("config refused");
    expect(first.config.secretKey).toHaveLength(32);
    expect(second.config.secretKey.equals(first.config.secretKey)).toBe(true);
    expect(statSync(path.join(dir, "secret-key")).mode & 0o077).toBe(0);
    const given = loadConfig({ OBSERVER_DATA_DIR: dir, OBSERVER_SECRET_KEY: "ab".repeat(32) });
    expect(given.ok && given.config.secretKey.toString("hex")).toBe("ab".repeat(32));
    const base64 = Buffer.alloc(32, 9).toString("base64");
    const fromBase64 = loadConfig({ OBSERVER_DATA_DIR: dir, OBSERVER_SECRET_KEY: base64 });
    expect(fromBase64.ok && fromBase64.config.secretKey.equals(Buffer.alloc(32, 9))).toBe(true);
    expect(loadConfig({ OBSERVER_DATA_DIR: dir, OBSERVER_SECRET_KEY: "too-short" }).ok).toBe(false);
    const production = loadConfig({
      OBSERVER_DATA_DIR: dir,
      NODE_ENV: "production",
      JWT_SECRET: "a-production-secret-of-at-least-32-characters",
    });
    expect(production.ok).toBe(false);
    if (!production.ok) expect(production.problems.join(" ")).toMatch(/^OBSERVER_SECRET_KEY: required/);
  });

  it("turns GitHub on only with a client id and secret, at GitHub's addresses unless told otherwise", () => {
    const dir = tempDir();
    const off = loadConfig({ OBSERVER_DATA_DIR: dir });
    expect(off.ok && off.config.github).toBeNull();
    const on = loadConfig({
      OBSERVER_DATA_DIR: dir,
      GITHUB_CLIENT_ID: "Iv1.abc",
      GITHUB_CLIENT_SECRET: "s3cret",
    });
    expect(on.ok && on.config.github).toEqual({
      clientId: "Iv1.abc",
      clientSecret: "s3cret",
      apiUrl: "https://api.github.com",
      webUrl: "https://github.com",
    });
    expect(loadConfig({ OBSERVER_DATA_DIR: dir, GITHUB_CLIENT_ID: "Iv1.abc" }).ok).toBe(false);
  });
});
