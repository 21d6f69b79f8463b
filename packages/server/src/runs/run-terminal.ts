import {
  CLOSE_CODES,
  type RunTerminalServerMessage,
  runTerminalAuthSchema,
  runTerminalClientMessageSchema,
} from "@observer/protocol";
import type { WebSocket } from "ws";
import type { Actor } from "../auth/actor.ts";
import { acceptSocket } from "../channel/socket-session.ts";
import type { Ctx } from "../context.ts";
import type { RunResult } from "../exec/index.ts";
import { isParticipant } from "../storage/participants.ts";
import { runAccess } from "./run-access.ts";
import { exitMessage, resultOfRun } from "./run-outcome.ts";
import { followRemoteRun } from "./run-relay.ts";

/** Output waiting to be sent to a slow watcher, in bytes, before the socket is dropped. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Whether the caller may follow the run: the session's teacher (or an admin), or its student
 * while still a member of the session (a student removed from it loses the terminal).
 */
async function mayFollow(ctx: Ctx, actor: Actor, runId: string) {
  const access = await runAccess(ctx, actor, runId);
  if (!access.found || !access.allowed || access.manage) return access;
  if (!(await isParticipant(ctx.db, access.run.sessionId, actor.id)))
    return { found: true, allowed: false } as const;
  return access;
}

/**
 * A run's live terminal (`/api/runs/:runId/terminal`). The first message authenticates; the
 * run's student and the session's teacher may attach. The watcher gets the whole output from
 * the start, then every chunk as it comes, the state changes, and last the exit; then the
 * socket closes. Input, resizes and Stop go to the run. A finished run replays its stored
 * output and exit.
 */
export function handleRunTerminal(ctx: Ctx, ws: WebSocket, runId: string): void {
  let attached: {
    detach(): void;
    write(data: string): void;
    resize(c: number, r: number): void;
    kill(): void;
  } | null = null;
  let closed = false;

  const send = (message: RunTerminalServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(CLOSE_CODES.tryAgainLater, "Too slow to follow the output");
      return;
    }
    ws.send(JSON.stringify(message));
  };

  /** The run, when the caller may follow it (else closes the socket: 4404, 4403). */
  const admit = async (actor: Actor) => {
    const access = await mayFollow(ctx, actor, runId);
    if (!access.found) ws.close(CLOSE_CODES.notFound, "No such run");
    else if (!access.allowed) ws.close(CLOSE_CODES.forbidden, "Forbidden");
    else return access;
    return null;
  };
  type Admitted = NonNullable<Awaited<ReturnType<typeof admit>>>;

  /** Replays the run's output, then follows it; `ready()` once messages can go to it. */
  const start = async (actor: Actor, { live, run }: Admitted, ready: () => void) => {
    const finish = (result: RunResult) => {
      attached?.detach();
      send(exitMessage(result));
      if (ws.readyState === ws.OPEN) ws.close(CLOSE_CODES.normal, "Run finished");
    };
    const replayStored = (stored: typeof run) => {
      if (stored.output) send({ type: "output", data: stored.output });
      finish(resultOfRun(stored));
    };
    if (!live) {
      // Finished: replay what was stored.
      if (run.status === "finished" || run.status === "failed") return replayStored(run);
      // Under way on another instance: follow it through the bus.
      if (!ctx.config.redisUrl) return ws.close(CLOSE_CODES.serverError, "This run is no longer running");
      attached = await followRemoteRun(ctx.bus, run.id, {
        output: (data) => send({ type: "output", data }),
        status: (status, position) => send({ type: "status", status, position: position || undefined }),
        exit: finish,
        lost: () => {
          void runAccess(ctx, actor, runId).then((again) => {
            if (
              again.found &&
              again.allowed &&
              (again.run.status === "finished" || again.run.status === "failed")
            )
              replayStored(again.run);
            else ws.close(CLOSE_CODES.serverError, "The server running this program does not answer");
          });
        },
      });
      if (closed) attached.detach();
      ready();
      return;
    }
    const handle = live.handle;
    // Replay, then follow, in the same tick: nothing missed, nothing repeated.
    const transcript = handle.transcript;
    if (transcript) send({ type: "output", data: transcript });
    if (handle.status !== "finished") {
      send({ type: "status", status: handle.status, position: handle.position || undefined });
    }
    const onOutput = (data: string) => send({ type: "output", data });
    const onStatus = (event: { status: "queued" | "compiling" | "running"; position?: number }) =>
      send({ type: "status", ...event });
    handle.on("output", onOutput);
    handle.on("status", onStatus);
    attached = {
      detach: () => {
        handle.off("output", onOutput);
        handle.off("status", onStatus);
      },
      write: (data) => handle.write(data),
      resize: (cols, rows) => handle.resize(cols, rows),
      kill: () => handle.kill(),
    };
    ready();
    void handle.result.then(finish);
  };

  function apply(parsed: unknown): void {
    const message = runTerminalClientMessageSchema.safeParse(parsed);
    if (!message.success) {
      ws.close(CLOSE_CODES.malformed, "Unknown or invalid message");
      return;
    }
    const m = message.data;
    if (!attached) return;
    if (m.type === "stdin") attached.write(m.data);
    else if (m.type === "resize") attached.resize(m.cols, m.rows);
    else attached.kill();
  }

  ws.on("close", () => {
    closed = true;
    attached?.detach();
  });

  acceptSocket(ctx, ws, {
    label: "run terminal",
    authSchema: runTerminalAuthSchema,
    admit,
    /** After a revocation: a lost login, a lost membership or a lost teaching role closes the terminal. */
    stillAllowed: async (fresh) => {
      const again = await mayFollow(ctx, fresh, runId);
      return again.found && again.allowed;
    },
    start,
    message: apply,
    keepEarlyMessages: true,
  });
}
