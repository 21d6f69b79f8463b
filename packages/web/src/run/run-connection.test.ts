import { CLOSE_CODES } from "@observer/protocol";
import { describe, expect, it, vi } from "vitest";
import { FakeSocket, flush, refreshingToken, withFakeSockets } from "../live/fake-socket.ts";
import { RunConnection, type RunRefusal } from "./run-connection.ts";
import type { RunOutcome } from "./run-status.ts";

const RUN = "7f0c4c1e-0000-4000-8000-000000000001";
const latest = () => FakeSocket.latest();
const EXIT = {
  type: "exit",
  exitCode: 0,
  signal: null,
  timedOut: false,
  outputTruncated: false,
  durationMs: 12,
  killedFor: null,
  phase: "run",
};

function connect(token: (force: boolean) => Promise<string | null> = async () => "t1") {
  const seen = {
    output: "",
    statuses: [] as string[],
    exits: [] as RunOutcome[],
    refusals: [] as RunRefusal[],
  };
  const connection = new RunConnection({
    baseUrl: "ws://host",
    runId: RUN,
    token,
    onOutput: (data) => {
      seen.output += data;
    },
    onStatus: (status, position) => seen.statuses.push(position ? `${status} #${position}` : status),
    onExit: (outcome) => seen.exits.push(outcome),
    onRefused: (reason) => seen.refusals.push(reason),
    WebSocketImpl: FakeSocket.Impl,
  });
  return { connection, seen };
}

withFakeSockets();

describe("RunConnection", () => {
  it("authenticates first, then passes output, status and the exit", async () => {
    const { connection, seen } = connect();
    await flush();
    expect(latest().url).toBe(`ws://host/api/runs/${RUN}/terminal`);
    latest().open();
    expect(latest().messages()).toEqual([{ type: "auth", token: "t1" }]);
    latest().serverSends({ type: "status", status: "queued", position: 2 });
    latest().serverSends({ type: "status", status: "running" });
    latest().serverSends({ type: "output", data: "Name? " });
    latest().serverSends("not json");
    latest().serverSends({ type: "output" });
    latest().serverSends({ type: "output", data: "héllo ✓\r\n" });
    latest().serverSends({ ...EXIT, exitCode: 3 });
    expect(seen.statuses).toEqual(["queued #2", "running"]);
    expect(seen.output).toBe("Name? héllo ✓\r\n");
    expect(seen.exits).toEqual([
      {
        exitCode: 3,
        signal: null,
        timedOut: false,
        outputTruncated: false,
        durationMs: 12,
        killedFor: null,
        phase: "run",
        cpuTimeLimitMs: null,
      },
    ]);
    expect(connection.closed).toBe(true);
    expect(latest().closedWith).toBe(1000);
    // After the exit the server closes: no reconnect.
    latest().serverCloses(1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("sends stdin, resize and kill, and keeps what was typed before the socket opened", async () => {
    const { connection } = connect();
    connection.resize(80, 24);
    connection.stdin("early\r");
    await flush();
    latest().open();
    connection.stdin("x");
    connection.stdin("");
    connection.resize(80, 24);
    connection.resize(100, 30);
    connection.kill();
    expect(latest().messages()).toEqual([
      { type: "auth", token: "t1" },
      { type: "resize", cols: 80, rows: 24 },
      { type: "stdin", data: "early\r" },
      { type: "stdin", data: "x" },
      { type: "resize", cols: 100, rows: 30 },
      { type: "kill" },
    ]);
  });

  it("reconnects after a drop and skips the replayed output it already showed", async () => {
    const { seen, connection } = connect();
    connection.resize(90, 20);
    await flush();
    latest().open();
    latest().serverSends({ type: "output", data: "one\r\n" });
    latest().serverSends({ type: "output", data: "two\r\n" });
    latest().serverCloses(1006);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.all).toHaveLength(2);
    latest().open();
    // The replay comes as one chunk covering what was seen and more, then new output.
    latest().serverSends({ type: "output", data: "one\r\ntwo\r\nthr" });
    latest().serverSends({ type: "output", data: "ee\r\n" });
    latest().serverSends(EXIT);
    expect(seen.output).toBe("one\r\ntwo\r\nthree\r\n");
    expect(seen.exits).toHaveLength(1);
    // The size is sent again on the new socket.
    expect(latest().messages()).toContainEqual({ type: "resize", cols: 90, rows: 20 });
  });

  it("refreshes the token after 4401 and stops for good on 4403 and 4404", async () => {
    const token = refreshingToken();
    const { seen } = connect(token);
    await flush();
    latest().open();
    latest().serverCloses(CLOSE_CODES.unauthorized);
    await vi.advanceTimersByTimeAsync(1000);
    latest().open();
    expect(latest().messages()[0]).toEqual({ type: "auth", token: "fresh" });
    expect(token).toHaveBeenLastCalledWith(true);
    latest().serverCloses(CLOSE_CODES.notFound);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen.refusals).toEqual(["notFound"]);
    expect(FakeSocket.all).toHaveLength(2);

    const other = connect();
    await flush();
    latest().open();
    latest().serverCloses(CLOSE_CODES.forbidden);
    expect(other.seen.refusals).toEqual(["forbidden"]);
  });

  it("refreshes only once: a 4401 on the refreshed token ends it as unauthorized", async () => {
    const token = refreshingToken();
    const { seen } = connect(token);
    await flush();
    latest().open();
    latest().serverCloses(CLOSE_CODES.unauthorized);
    await vi.advanceTimersByTimeAsync(1000);
    latest().open();
    latest().serverCloses(CLOSE_CODES.unauthorized);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen.refusals).toEqual(["unauthorized"]);
    expect(FakeSocket.all).toHaveLength(2);
    expect(token.mock.calls).toEqual([[false], [true]]);
  });

  it("stops when the login is gone, and says nothing after dispose()", async () => {
    const gone = connect(async () => null);
    await flush();
    expect(gone.seen.refusals).toEqual(["unauthorized"]);
    expect(FakeSocket.all).toHaveLength(0);

    const { connection, seen } = connect();
    await flush();
    latest().open();
    connection.dispose();
    expect(latest().closedWith).toBe(1000);
    latest().serverSends({ type: "output", data: "late" });
    latest().serverCloses(1006);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen.output).toBe("");
    expect(FakeSocket.all).toHaveLength(1);
  });
});
