import { createServer } from "node:net";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { backoffMs, FIRST_RETRY_MS, isUnreachable, LONGEST_RETRY_MS, WriteRetries } from "./retry-write.ts";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address !== "object") throw new Error("no port");
  return address.port;
}

/** What pg really throws for a database that is down: a connection refused. */
async function connectToNothing(port: number): Promise<never> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } finally {
    await client.end().catch(() => {});
  }
  throw new Error("a server answered on a port that was closed");
}

class Lines {
  readonly errors: string[] = [];
  readonly infos: string[] = [];
  error(message: string) {
    this.errors.push(message);
  }
  info(message: string) {
    this.infos.push(message);
  }
}

const quick = () => new WriteRetries({ backoff: () => 5 });

describe("isUnreachable", () => {
  it("tells a database that cannot be reached from one that refused the write", async () => {
    const refused = await connectToNothing(await closedPort()).catch((err: unknown) => err);
    expect(isUnreachable(refused)).toBe(true);
    expect(isUnreachable(Object.assign(new Error("terminating connection"), { code: "57P01" }))).toBe(true);
    expect(isUnreachable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isUnreachable(new Error("wrapped", { cause: refused }))).toBe(true);
    expect(isUnreachable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isUnreachable(new Error("driver has already been destroyed"))).toBe(false);
    expect(isUnreachable("ECONNREFUSED")).toBe(false);
  });
});

describe("backoffMs", () => {
  it("doubles from the first wait to the longest, keeping at least half of each step", () => {
    expect(backoffMs(1, () => 0)).toBe(FIRST_RETRY_MS / 2);
    expect(backoffMs(1, () => 1)).toBe(FIRST_RETRY_MS);
    expect(backoffMs(2, () => 1)).toBe(2 * FIRST_RETRY_MS);
    expect(backoffMs(3, () => 1)).toBe(4 * FIRST_RETRY_MS);
    expect(backoffMs(50, () => 1)).toBe(LONGEST_RETRY_MS);
    expect(backoffMs(50, () => 0)).toBe(LONGEST_RETRY_MS / 2);
  });
});

describe("WriteRetries", () => {
  it("retries a write while the database is unreachable and logs the outage once, however many writes wait", async () => {
    const port = await closedPort();
    const retries = quick();
    const log = new Lines();
    let down = true;
    const attempts = [0, 0, 0];
    const writes = attempts.map((_, i) =>
      retries.run(
        `write ${i}`,
        async (attempt) => {
          attempts[i] = attempt;
          if (down) await connectToNothing(port);
          return i;
        },
        log,
      ),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(Math.min(...attempts)).toBeGreaterThan(2);
    down = false;
    expect(await Promise.all(writes)).toEqual([0, 1, 2]);
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]).toMatch(/database unreachable .*ECONNREFUSED/);
    expect(log.infos).toHaveLength(1);
    expect(log.infos[0]).toMatch(/reachable again after \d+ ms/);
  });

  it("wakes the writes waiting out their backoff as soon as one write gets through", async () => {
    const port = await closedPort();
    // Without the wake-up, the kept writes would wait a minute for their next attempt.
    const retries = new WriteRetries({ backoff: () => 60_000 });
    let down = true;
    const attempts = [0, 0];
    const kept = attempts.map((_, i) =>
      retries.run(`kept write ${i}`, async () => {
        attempts[i] = (attempts[i] ?? 0) + 1;
        if (down) await connectToNothing(port);
        return `kept ${i}`;
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(attempts).toEqual([1, 1]);
    down = false;
    expect(await retries.run("a new write", async () => "new")).toBe("new");
    expect(await Promise.all(kept)).toEqual(["kept 0", "kept 1"]);
    expect(attempts).toEqual([2, 2]);
  });

  it("fails at once, without retrying, when the database refused the write", async () => {
    const retries = quick();
    const log = new Lines();
    let attempts = 0;
    const refused = Object.assign(new Error("duplicate key value"), { code: "23505" });
    await expect(
      retries.run(
        "a duplicate",
        async () => {
          attempts += 1;
          throw refused;
        },
        log,
      ),
    ).rejects.toBe(refused);
    expect(attempts).toBe(1);
    expect(log.errors).toEqual([]);
  });

  it("gives the writes still waiting when the server stops one bounded last attempt", async () => {
    const port = await closedPort();
    // The longest real backoff: without `end`, the next attempt would be seconds away.
    const retries = new WriteRetries({ backoff: () => 60_000 });
    let attempts = 0;
    const write = retries.run("a write at shutdown", async () => {
      attempts += 1;
      await connectToNothing(port);
    });
    const settled = write.then(
      () => "saved",
      (err: unknown) => (isUnreachable(err) ? "gave up" : String(err)),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(attempts).toBe(1);
    retries.end(0);
    expect(await settled).toBe("gave up");
    expect(attempts).toBe(2);
    // Once stopped, a new write still gets its one attempt, and no retry.
    let late = 0;
    await expect(
      retries.run("a write after the stop", async () => {
        late += 1;
        await connectToNothing(port);
      }),
    ).rejects.toSatisfy(isUnreachable);
    expect(late).toBe(1);
  });
});
