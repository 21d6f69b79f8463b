import type { LiveRunStatus } from "@observer/protocol";
import type { EventBus } from "../bus/event-bus.ts";
import type { RunHandle, RunResult } from "../exec/index.ts";

/**
 * Runs across server instances (with Redis): the instance running a program publishes its
 * output and states once a terminal elsewhere has asked, and takes input, on bus topics, so a terminal attached on another instance
 * (the teacher's, behind a load balancer) sees and types the same. Output carries its offset
 * in the transcript, so a watcher joins a snapshot and the stream without gaps or repeats.
 */
export const inTopic = (runId: string) => `runs:${runId}:in` as const;
export const outTopic = (runId: string) => `runs:${runId}:out` as const;
export const replyTopic = (runId: string, id: string) => `runs:${runId}:snapshot:${id}` as const;
/** The reply topic a snapshot request names, if it is one of this run's. */
const asReplyTopic = (runId: string, reply: unknown) =>
  typeof reply === "string" && reply.startsWith(replyTopic(runId, ""))
    ? (reply as ReturnType<typeof replyTopic>)
    : null;

/** What a watcher sends the instance running the program. */
export type RunInput =
  | { kind: "snapshot"; reply: string }
  | { kind: "stdin"; data: string }
  | { kind: "resize"; cols: number; rows: number }
  | { kind: "kill" };

/** What the instance running the program sends its watchers. */
export type RunOutput =
  | { kind: "output"; offset: number; data: string }
  | { kind: "status"; status: LiveRunStatus; position: number | null }
  /** `length`: the whole transcript's, so a follower that missed output asks for a snapshot first. */
  | { kind: "exit"; result: RunResult; length?: number }
  /** A runner took the run (remote runs): its heartbeat now says whether the run is alive. */
  | { kind: "taken"; runner: string };

/** The transcript and state so far, the answer to a watcher's request. */
export interface RunSnapshot {
  transcript: string;
  status: LiveRunStatus | "finished";
  position: number | null;
  result: RunResult | null;
}

/** Answers a watcher's snapshot request (a reply topic of this run's); false when it is not one. */
export function answerSnapshot(
  bus: EventBus,
  runId: string,
  replyTo: unknown,
  handle: RunHandle,
  result: RunResult | null,
): boolean {
  const reply = asReplyTopic(runId, replyTo);
  if (!reply) return false;
  const snapshot: RunSnapshot = {
    transcript: handle.transcript,
    status: handle.status,
    position: handle.position,
    result,
  };
  void bus.publish(reply, snapshot).catch(() => {});
  return true;
}

/** How long the owner keeps answering after the run ended (its row is final by then). */
const LINGER_MS = 10_000;

export interface ExposeOptions {
  /** Publish from the start, asked or not (a runner: the instance that owns the run follows it). */
  watched?: boolean;
  /** How long to answer snapshots after the end (ms). */
  lingerMs?: number;
  /** Take input from the bus (false: a runner takes its input from Redis, remote-runs/). */
  input?: boolean;
}

/** Owner side: publishes a live run and takes input for it from other instances. */
export async function exposeRun(
  bus: EventBus,
  runId: string,
  handle: RunHandle,
  options: ExposeOptions = {},
): Promise<void> {
  let result: RunResult | null = null;
  // Nothing goes on the bus until a terminal on another instance asks (most runs are watched
  // only where they run): its snapshot holds all output until then, the stream what follows.
  let watched = options.watched ?? false;
  const takesInput = options.input ?? true;
  const publish = (message: RunOutput) => {
    if (watched) void bus.publish(outTopic(runId), message).catch(() => {});
  };
  handle.on("output", (data) =>
    publish({ kind: "output", offset: handle.transcript.length - data.length, data }),
  );
  handle.on("status", (e) => publish({ kind: "status", status: e.status, position: e.position ?? null }));
  const unsubscribe = await bus.subscribe(inTopic(runId), (message) => {
    if (message.kind === "snapshot" && answerSnapshot(bus, runId, message.reply, handle, result)) {
      watched = true;
    } else if (!takesInput) return;
    else if (message.kind === "stdin" && typeof message.data === "string") handle.write(message.data);
    else if (message.kind === "resize") handle.resize(message.cols, message.rows);
    else if (message.kind === "kill") handle.kill();
  });
  void handle.result.then((r) => {
    result = r;
    publish({ kind: "exit", result: r, length: handle.transcript.length });
    setTimeout(() => void unsubscribe(), options.lingerMs ?? LINGER_MS).unref();
  });
}

export interface RemoteRunSink {
  output(data: string): void;
  status(status: LiveRunStatus, position: number | null): void;
  exit(result: RunResult): void;
  /** The owner did not answer: the run is no longer running anywhere. */
  lost(): void;
}

/** Watcher side: follows a run that runs on another instance. */
export async function followRemoteRun(
  bus: EventBus,
  runId: string,
  sink: RemoteRunSink,
  timeoutMs = 3000,
): Promise<{
  write(data: string): void;
  resize(cols: number, rows: number): void;
  kill(): void;
  detach(): void;
}> {
  let delivered: number | null = null;
  let ended = false;
  const early: RunOutput[] = [];
  const send = (message: RunInput) => void bus.publish(inTopic(runId), message).catch(() => {});

  const apply = (message: RunOutput) => {
    if (ended || delivered === null) return;
    if (message.kind === "output") {
      const end = message.offset + message.data.length;
      if (end <= delivered) return;
      sink.output(message.data.slice(Math.max(0, delivered - message.offset)));
      delivered = end;
    } else if (message.kind === "status") sink.status(message.status, message.position);
    else if (message.kind === "exit") {
      ended = true;
      sink.exit(message.result);
    }
  };

  const unsubscribeOut = await bus.subscribe(outTopic(runId), (message) => {
    if (delivered === null) early.push(message);
    else apply(message);
  });
  const reply = replyTopic(runId, crypto.randomUUID());
  let unsubscribeReply: (() => Promise<void>) | null = null;
  const timer = setTimeout(() => {
    if (delivered !== null) return;
    ended = true;
    sink.lost();
  }, timeoutMs);
  unsubscribeReply = await bus.subscribe(reply, (snapshot) => {
    if (delivered !== null || ended) return;
    clearTimeout(timer);
    void unsubscribeReply?.();
    if (snapshot.transcript) sink.output(snapshot.transcript);
    delivered = snapshot.transcript.length;
    if (snapshot.result) {
      ended = true;
      sink.exit(snapshot.result);
      return;
    }
    if (snapshot.status !== "finished") sink.status(snapshot.status, snapshot.position);
    for (const message of early.splice(0)) apply(message);
  });
  send({ kind: "snapshot", reply });

  return {
    write: (data) => send({ kind: "stdin", data }),
    resize: (cols, rows) => send({ kind: "resize", cols, rows }),
    kill: () => send({ kind: "kill" }),
    detach: () => {
      ended = true;
      clearTimeout(timer);
      void unsubscribeOut();
      void unsubscribeReply?.();
    },
  };
}
