import {
  CLOSE_CODES,
  type RunTerminalServerMessage,
  runTerminalAuthSchema,
  runTerminalClientMessageSchema,
} from "@observer/protocol";
import type { WebSocket } from "ws";
import type { Actor } from "../auth/actor.ts";
import { type LiveSocket, tooManySocketsReason } from "../auth/live-sockets.ts";
import { authenticateSocket, recheckSocket } from "../channel/socket-auth.ts";
import type { Ctx } from "../context.ts";
import type { RunResult } from "../exec/index.ts";
import { isParticipant } from "../storage/participants.ts";
import { runAccess } from "./run-access.ts";
import { exitMessage, resultOfRun } from "./run-outcome.ts";
import { followRemoteRun } from "./run-relay.ts";

const AUTH_TIMEOUT_MS = 5000;
/** Messages a client may send before its attach completes (kept, then applied in order). */
const MAX_EARLY_MESSAGES = 256;
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
  let authenticating = false;
  const early: unknown[] = [];
  let closed = false;
  const authTimer = setTimeout(
    () => ws.close(CLOSE_CODES.unauthorized, "Authenticate first"),
    AUTH_TIMEOUT_MS,
  );

  const send = (message: RunTerminalServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(CLOSE_CODES.tryAgainLater, "Too slow to follow the output");
      return;
    }
    ws.send(JSON.stringify(message));
  };

  /** After a revocation: a lost login, a lost membership or a lost teaching role closes the terminal. */
  const recheck = (self: Actor) =>
    recheckSocket(ctx, ws, self, async (fresh) => {
      const again = await mayFollow(ctx, fresh, runId);
      return again.found && again.allowed;
    });

  const start = async (token: string) => {
    const checkedAt = Date.now();
    const actor = await authenticateSocket(ctx, ws, token);
    if (!actor) return;
    const access = await mayFollow(ctx, actor, runId);
    if (closed) return;
    if (!access.found) return ws.close(CLOSE_CODES.notFound, "No such run");
    if (!access.allowed) return ws.close(CLOSE_CODES.forbidden, "Forbidden");
    const socket: LiveSocket = { recheck: () => recheck(actor) };
    if (!ctx.sockets.add(actor.id, socket, checkedAt)) {
      const { code, reason } = tooManySocketsReason(ctx.sockets.maxPerUser);
      return ws.close(code, reason);
    }
    ws.once("close", () => ctx.sockets.remove(actor.id, socket));
    const { live, run } = access;
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
        status: (status, position) => send({ type: "status", status, ...(position ? { position } : {}) }),
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
      for (const message of early.splice(0)) apply(message);
      return;
    }
    const handle = live.handle;
    // Replay, then follow, in the same tick: nothing missed, nothing repeated.
    const transcript = handle.transcript;
    if (transcript) send({ type: "output", data: transcript });
    if (handle.status !== "finished") {
      send({
        type: "status",
        status: handle.status,
        ...(handle.position ? { position: handle.position } : {}),
      });
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
    for (const message of early.splice(0)) apply(message);
    void handle.result.then(finish);
  };

  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (isBinary) return ws.close(CLOSE_CODES.malformed, "Send JSON text messages");
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString("utf8"));
    } catch {
      return ws.close(CLOSE_CODES.malformed, "Malformed JSON");
    }
    if (!attached) {
      if (authenticating) {
        // Typed before the attach completed: kept for the run.
        if (early.length >= MAX_EARLY_MESSAGES) return ws.close(CLOSE_CODES.tooLarge, "Too many messages");
        early.push(parsed);
        return;
      }
      clearTimeout(authTimer);
      const auth = runTerminalAuthSchema.safeParse(parsed);
      if (!auth.success)
        return ws.close(CLOSE_CODES.unauthorized, "The first message must be {type:'auth', token}");
      authenticating = true;
      start(auth.data.token).catch((err) => {
        ctx.log.error({ err }, "run terminal failed to start");
        ws.close(CLOSE_CODES.serverError, "Server error");
      });
      return;
    }
    apply(parsed);
  });

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
    clearTimeout(authTimer);
    attached?.detach();
  });
  ws.on("error", (err) => ctx.log.debug({ err }, "run terminal socket error"));
}
