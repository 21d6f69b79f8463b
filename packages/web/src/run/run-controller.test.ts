import type { CreateRunBody, Run, RunSummary } from "@observer/protocol";
import { CLOSE_CODES } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors.ts";
import { FakeSocket, flush, withFakeSockets } from "../live/fake-socket.ts";
import { RunController, type TerminalSink } from "./run-controller.ts";
import { statusLine } from "./run-status.ts";

const STUDENT = "0d3c8a57-0000-4000-8000-00000000000a";
const id = (n: number) => `0d3c8a57-0000-4000-8000-${String(n).padStart(12, "0")}`;
const latest = () => FakeSocket.latest();

function run(n: number, patch: Partial<Run> = {}): Run {
  return {
    id: id(n),
    sessionId: id(99),
    userId: STUDENT,
    language: "python",
    status: "queued",
    exitCode: null,
    signal: null,
    timedOut: false,
    output: "",
    outputTruncated: false,
    durationMs: null,
    killedFor: null,
    phase: null,
    cpuTimeLimitMs: null,
    queuedAt: `2025-03-01T10:00:0${n}.000Z`,
    startedAt: null,
    failureReason: null,
    finishedAt: null,
    ...patch,
  };
}

function summary(n: number, patch: Partial<RunSummary> = {}): RunSummary {
  const { id: runId, userId, language, status, exitCode, signal, timedOut, outputTruncated } = run(n);
  return {
    id: runId,
    userId,
    startedBy: id(50),
    language,
    status,
    position: null,
    exitCode,
    signal,
    timedOut,
    outputTruncated,
    durationMs: null,
    killedFor: null,
    phase: null,
    cpuTimeLimitMs: null,
    tail: "",
    queuedAt: run(n).queuedAt,
    ...patch,
  };
}

/** A terminal that records what it shows. */
class Screen implements TerminalSink {
  text = "";
  resets = 0;
  write(data: string) {
    this.text += data;
  }
  reset() {
    this.text = "";
    this.resets++;
  }
}

function setup(options: { createRun?: (body: CreateRunBody) => Promise<Run>; userId?: string } = {}) {
  const bodies: CreateRunBody[] = [];
  let next = 1;
  const controller = new RunController({
    baseUrl: "ws://host",
    token: async () => "tok",
    createRun:
      options.createRun ??
      (async (body) => {
        bodies.push(body);
        return run(next++);
      }),
    getRun: async (runId) =>
      run(Number(runId.slice(-2)), {
        status: "finished",
        output: "stored output\r\n",
        exitCode: 0,
        durationMs: 5,
        phase: "run",
      }),
    userId: options.userId,
    WebSocketImpl: FakeSocket.Impl,
  });
  const screen = new Screen();
  controller.setSink(screen);
  return { controller, screen, bodies };
}

withFakeSockets();

describe("RunController", () => {
  it("knows the runs it started itself from those it only follows (the teacher's, another tab's)", async () => {
    const { controller } = setup();
    await controller.run("python", "input()");
    await flush();
    expect(controller.startedHere(id(1))).toBe(true);
    controller.follow(summary(7, { status: "running" }));
    expect(controller.getSnapshot().runId).toBe(id(7));
    expect(controller.startedHere(id(7))).toBe(false);
    expect(controller.startedHere(id(1))).toBe(true);
  });

  it("still knows its own run when the session channel announces it before the reply to run", async () => {
    let reply: (run: Run) => void = () => {};
    const { controller } = setup({ createRun: () => new Promise<Run>((resolve) => (reply = resolve)) });
    const started = controller.run("python", "input()");
    controller.follow(summary(3, { status: "running" }));
    reply(run(3, { status: "running" }));
    await started;
    expect(controller.getSnapshot().runId).toBe(id(3));
    expect(controller.startedHere(id(3))).toBe(true);
  });

  it("runs code, shows its output and ends with its status", async () => {
    const { controller, screen, bodies } = setup();
    controller.resize(100, 30);
    const started = controller.run("python", "print(input())");
    expect(controller.getSnapshot().status).toBe("starting");
    await started;
    await flush();
    expect(bodies).toEqual([{ language: "python", code: "print(input())", cols: 100, rows: 30 }]);
    expect(latest().url).toBe(`ws://host/api/runs/${id(1)}/terminal`);
    latest().open();
    latest().serverSends({ type: "status", status: "running" });
    expect(statusLine(controller.getSnapshot()).text).toBe("Running…");
    latest().serverSends({ type: "output", data: "Ada\r\n" });
    controller.stdin("Ada\r");
    expect(latest().messages()).toContainEqual({ type: "stdin", data: "Ada\r" });
    latest().serverSends({
      type: "exit",
      exitCode: 0,
      signal: null,
      timedOut: false,
      outputTruncated: false,
      durationMs: 40,
      killedFor: null,
      phase: "run",
    });
    expect(screen.text).toBe("Ada\r\n");
    expect(statusLine(controller.getSnapshot()).text).toBe("Finished after 40 ms");
  });

  it("sends the student's id when the teacher runs their code", async () => {
    const { controller, bodies } = setup({ userId: STUDENT });
    await controller.run("c", "int main(){}");
    expect(bodies[0]?.userId).toBe(STUDENT);
  });

  it("clears the terminal for a new run and never shows the replaced run again", async () => {
    const { controller, screen } = setup();
    await controller.run("python", "a");
    await flush();
    latest().open();
    latest().serverSends({ type: "output", data: "first run" });
    expect(screen.text).toBe("first run");
    const firstSocket = latest();
    await controller.run("python", "b");
    await flush();
    expect(screen.text).toBe("");
    expect(firstSocket.closedWith).toBe(1000);
    // The replaced run's last update (stopped by the new one) arrives late: ignored.
    controller.follow(summary(1, { status: "finished", killedFor: "user" }));
    expect(controller.getSnapshot().runId).toBe(id(2));
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("attaches to a run someone else started (the teacher) and replays it", async () => {
    const { controller, screen } = setup();
    controller.follow(summary(3, { status: "running" }));
    await flush();
    expect(latest().url).toContain(id(3));
    latest().open();
    latest().serverSends({ type: "output", data: "Name? " });
    expect(screen.text).toBe("Name? ");
    expect(controller.getSnapshot().status).toBe("running");
    // Updates of the same run do not reattach; an older run is not followed.
    controller.follow(summary(3, { status: "running", tail: "Name? " }));
    controller.follow(summary(2, { status: "running" }));
    expect(FakeSocket.all).toHaveLength(1);

    // A terminal mounted later shows everything so far.
    const late = new Screen();
    controller.setSink(late);
    expect(late.text).toBe("Name? ");
  });

  it("follows the new run when its update beats the reply to Run", async () => {
    let reply: (run: Run) => void = () => {};
    const { controller } = setup({ createRun: () => new Promise((resolve) => (reply = resolve)) });
    const started = controller.run("python", "x");
    controller.follow(summary(4, { status: "queued", position: 1 }));
    expect(statusLine(controller.getSnapshot()).text).toBe("Queued #1");
    reply(run(4));
    await started;
    await flush();
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("stops the run, also when Stop comes before the run exists", async () => {
    let reply: (run: Run) => void = () => {};
    const { controller } = setup({ createRun: () => new Promise((resolve) => (reply = resolve)) });
    const started = controller.run("python", "while True: pass");
    controller.stop();
    reply(run(5));
    await started;
    await flush();
    latest().open();
    expect(latest().messages()).toContainEqual({ type: "kill" });
  });

  it("shows why a run could not start", async () => {
    const { controller } = setup({
      createRun: async () => {
        throw new ApiError(503, "sandbox_unavailable", "Programs cannot run on this server right now.");
      },
    });
    await controller.run("python", "print(1)");
    const state = controller.getSnapshot();
    expect(state.error).toBe("Programs cannot run on this server right now.");
    expect(statusLine(state).text).toBe("Could not run");
  });

  it("falls back to the stored run when the terminal no longer knows it", async () => {
    const { controller, screen } = setup();
    controller.follow(summary(6, { status: "running" }));
    await flush();
    latest().open();
    latest().serverCloses(CLOSE_CODES.notFound);
    await flush();
    expect(screen.text).toBe("stored output\r\n");
    expect(statusLine(controller.getSnapshot()).text).toBe("Finished after 5 ms");
  });

  it("closes its socket on dispose()", async () => {
    const { controller } = setup();
    controller.follow(summary(7, { status: "running" }));
    await flush();
    latest().open();
    controller.dispose();
    expect(latest().closedWith).toBe(1000);
  });
});
