import {
  type ChannelServerMessage,
  CLOSE_CODES,
  CLOSE_REASONS,
  channelAuthSchema,
  type RosterEntry,
  RUN_TAIL_CHARS,
} from "@observer/protocol";
import type { WebSocket } from "ws";
import type { Actor } from "../auth/actor.ts";
import { type LiveSocket, tooManySocketsReason } from "../auth/live-sockets.ts";
import { sessionTopic } from "../bus/session-events.ts";
import { sessionAccess } from "../commands/session-access.ts";
import type { Ctx } from "../context.ts";
import { summarizeRunRow } from "../runs/run-summary.ts";
import { lastEdits } from "../storage/documents.ts";
import { listParticipants } from "../storage/participants.ts";
import { latestRunsOfSession } from "../storage/runs.ts";
import { authenticateSocket, recheckSocket } from "./socket-auth.ts";

const AUTH_TIMEOUT_MS = 5000;
const MAX_MESSAGE_BYTES = 8 * 1024;

/** The roster as the teacher sees it: participants, online state and last edit. */
async function roster(ctx: Ctx, sessionId: string, onlyUserId: string | null): Promise<RosterEntry[]> {
  const [participants, edits, rows] = await Promise.all([
    listParticipants(ctx.db, sessionId),
    lastEdits(ctx.db, sessionId),
    // A tile shows the end of the output: twice the tail, so the cut can fall on a line break.
    latestRunsOfSession(ctx.db, sessionId, {
      ...(onlyUserId ? { userId: onlyUserId } : {}),
      outputChars: 2 * RUN_TAIL_CHARS,
    }),
  ]);
  // Stored runs, overlaid with the live state of those under way here.
  const lastRuns = new Map(rows.map((row) => [row.user_id, summarizeRunRow(row)]));
  for (const live of ctx.runs.liveSummaries(sessionId)) {
    const stored = lastRuns.get(live.userId);
    if (!stored || stored.id === live.id || stored.queuedAt <= live.queuedAt) lastRuns.set(live.userId, live);
  }
  const shown = onlyUserId ? participants.filter((p) => p.user_id === onlyUserId) : participants;
  return shown.map((p) => ({
    userId: p.user_id,
    name: p.name,
    online: ctx.presence.isOnline(sessionId, p.user_id),
    joinedAt: p.joined_at.toISOString(),
    lastEditAt: edits.get(p.user_id)?.toISOString() ?? null,
    lastRun: lastRuns.get(p.user_id) ?? null,
  }));
}

const send = (ws: WebSocket, message: ChannelServerMessage) => {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
};

/**
 * A session's live channel (`/api/sessions/:id/channel`). The first message authenticates;
 * the teacher then receives the roster and every change to it; a student's open channel
 * counts them as online and brings them session-wide events (the session ending) and the
 * updates of their own runs.
 */
export function handleSessionChannel(ctx: Ctx, ws: WebSocket, sessionId: string): void {
  let actor: Actor | null = null;
  let asTeacher = false;
  let unsubscribe: (() => Promise<void>) | null = null;
  /** One auth message per socket: set by the first. */
  let authenticating = false;
  /** This socket counts its student as online (and must uncount them when it closes). */
  let countedOnline = false;
  let live: LiveSocket | null = null;
  let closed = false;
  const authTimer = setTimeout(
    () => ws.close(CLOSE_CODES.unauthorized, "Authenticate first"),
    AUTH_TIMEOUT_MS,
  );

  /** After a revocation: a lost login, a lost membership or a changed role closes the channel. */
  const recheck = (self: Actor) =>
    recheckSocket(ctx, ws, self, async (fresh) => {
      const access = await sessionAccess(ctx, fresh, sessionId).catch(() => null);
      // A teacher demoted to student sees the student view (or nothing) after reconnecting.
      return access !== null && access.manage === asTeacher;
    });

  const start = async (token: string) => {
    const checkedAt = Date.now();
    actor = await authenticateSocket(ctx, ws, token);
    if (!actor) return;
    let manage: boolean;
    try {
      ({ manage } = await sessionAccess(ctx, actor, sessionId));
    } catch {
      ws.close(CLOSE_CODES.forbidden, "Forbidden");
      return;
    }
    if (closed) return;
    asTeacher = manage;
    const self = actor;
    const socket: LiveSocket = { recheck: () => recheck(self) };
    if (!ctx.sockets.add(self.id, socket, checkedAt)) {
      const { code, reason } = tooManySocketsReason(ctx.sockets.maxPerUser);
      ws.close(code, reason);
      return;
    }
    live = socket;
    unsubscribe = await ctx.bus.subscribe(sessionTopic(sessionId), (message) => {
      const event = message as ChannelServerMessage;
      if (asTeacher || event.type === "session_ended" || event.type === "session_updated") send(ws, event);
      // A student follows their own runs, also those the teacher starts for them.
      else if (event.type === "run_update" && event.run.userId === self.id) send(ws, event);
    });
    if (closed) {
      await unsubscribe();
      return;
    }
    if (!asTeacher) countedOnline = true;
    if (!asTeacher && ctx.presence.connected(sessionId, self.id)) {
      await ctx.bus.publish(sessionTopic(sessionId), { type: "presence", userId: self.id, online: true });
    }
    send(ws, {
      type: "ready",
      role: asTeacher ? "teacher" : "student",
      // A student's roster holds only themselves (with their last run, to re-attach its terminal).
      roster: await roster(ctx, sessionId, asTeacher ? null : self.id),
    });
  };

  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (isBinary || data.byteLength > MAX_MESSAGE_BYTES) {
      ws.close(CLOSE_CODES.malformed, "Send small JSON text messages");
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString("utf8"));
    } catch {
      ws.close(CLOSE_CODES.malformed, "Malformed JSON");
      return;
    }
    if (authenticating) {
      // One auth per socket: another would leave a second subscription and presence count.
      if ((parsed as { type?: unknown } | null)?.type === "auth")
        ws.close(CLOSE_CODES.malformed, "Authenticate once per connection");
      // Later messages (pings, the pongs to our probes) need no answer: they are signs of life.
      return;
    }
    authenticating = true;
    clearTimeout(authTimer);
    const auth = channelAuthSchema.safeParse(parsed);
    if (!auth.success) {
      ws.close(CLOSE_CODES.unauthorized, "The first message must be {type:'auth', token}");
      return;
    }
    start(auth.data.token).catch((err) => {
      ctx.log.error({ err }, "session channel failed to start");
      ws.close(CLOSE_CODES.serverError, CLOSE_REASONS[CLOSE_CODES.serverError]);
    });
  });

  ws.on("close", () => {
    closed = true;
    clearTimeout(authTimer);
    void unsubscribe?.();
    const self = actor;
    if (self && live) ctx.sockets.remove(self.id, live);
    if (self && countedOnline && ctx.presence.disconnected(sessionId, self.id)) {
      void ctx.bus.publish(sessionTopic(sessionId), { type: "presence", userId: self.id, online: false });
    }
  });
  ws.on("error", (err) => ctx.log.debug({ err }, "session channel socket error"));
}

const PING = JSON.stringify({ type: "ping" } satisfies ChannelServerMessage);

/**
 * The heartbeat's liveness probe of a session channel: `{type:"ping"}`, which clients answer
 * with `{type:"pong"}` (a message, unlike a ws pong, which a browser sends for an offline or
 * frozen page too). A socket that stops answering is dropped and its student shown offline.
 */
export function probeSessionChannel(ws: WebSocket): void {
  if (ws.readyState === ws.OPEN) ws.send(PING);
}
