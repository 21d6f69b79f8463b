import { describe, expect, it } from "vitest";
import { isOutage } from "./error-handler.ts";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("isOutage", () => {
  it("knows Redis and PostgreSQL not answering", () => {
    const gaveUp = new Error("Reached the max retries per request limit (which is 3).");
    gaveUp.name = "MaxRetriesPerRequestError";
    expect(isOutage(gaveUp)).toBe(true);
    expect(isOutage(new Error("Connection is closed."))).toBe(true);
    expect(isOutage(withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"))).toBe(true);
    expect(isOutage(withCode("terminating connection due to administrator command", "57P01"))).toBe(true);
    // pg-pool found no connection free in time (the database swamped, or its server gone).
    expect(isOutage(new Error("timeout exceeded when trying to connect"))).toBe(true);
    const noSocket = Object.assign(withCode("connect ENOENT /run/postgresql/.s.PGSQL.5432", "ENOENT"), {
      syscall: "connect",
    });
    expect(isOutage(noSocket)).toBe(true);
  });

  it("leaves every other error a bug", () => {
    expect(isOutage(new TypeError("x is undefined"))).toBe(false);
    expect(isOutage(withCode("duplicate key value violates unique constraint", "23505"))).toBe(false);
    expect(isOutage("a string")).toBe(false);
    const missingFile = Object.assign(withCode("ENOENT: no such file or directory, open 'x'", "ENOENT"), {
      syscall: "open",
    });
    expect(isOutage(missingFile)).toBe(false);
  });
});
