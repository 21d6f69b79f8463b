import {
  type ChannelServerMessage,
  CLOSE_CODES,
  channelAuthSchema,
  channelClientMessageSchema,
  nextFailedInARow,
  type RosterEntry,
  RUN_TAIL_CHARS,
} from "@observer/protocol";
import type { WebSocket } from "ws";
import type { Actor } from "../auth/actor.ts";
import { SESSIONS_DELETED_TOPIC, sessionTopic } from "../bus/session-events.ts";
import { sessionAccess } from "../commands/session-access.ts";
import type { Ctx } from "../context.ts";
import { summarizeRunRow } from "../runs/run-summary.ts";
import { lastEdits } from "../storage/documents.ts";
import { provenanceOfSession } from "../storage/edit-events.ts";
import { listParticipants } from "../storage/participants.ts";
import { failedInARowOfSession, latestRunsOfSession } from "../storage/runs.ts";
import { acceptSocket } from "./socket-session.ts";

const MAX_MESSAGE_BYTES = 8 * 1024;

/** The roster as the teacher sees it: participants, online state, last edit, last run and failures in a row. */
async function roster(ctx: Ctx, sessionId: string, onlyUserId: string | null): Promise<RosterEntry[]> {
  const [participants, online, saved, live, rows, streaks, provenance] = await Promise.all([
    listParticipants(ctx.db, sessionId),
    ctx.presence.onlineUsers(sessionId),
    lastEdits(ctx.db, sessionId),
    // Edits not saved yet (the document is saved about a second after typing pauses).
    ctx.presence.lastEdits(sessionId),
    // A tile shows the end of the output: twice the tail, so the cut can fall on a line break.
    latestRunsOfSession(ctx.db, sessionId, {
      userId: onlyUserId ?? undefined,
      outputChars: 2 * RUN_TAIL_CHARS,
    }),
    failedInARowOfSession(ctx.db, sessionId, { userId: onlyUserId ?? undefined }),
    provenanceOfSession(ctx.db, sessionId, onlyUserId ?? undefined),
  ]);
  // Stored runs, overlaid with the live state of those under way here.
  const lastRuns = new Map(rows.map((row) => [row.user_id, summarizeRunRow(row)]));
  for (const live of ctx.runs.liveSummaries(sessionId)) {
    const stored = lastRuns.get(live.userId);
    if (!stored || stored.id === live.id || stored.queuedAt <= live.queuedAt) lastRuns.set(live.userId, live);
    // A run that has ended but whose row is not written yet is not in the stored count.
    if (live.status === "finished" && !(stored?.id === live.id && stored.status === "finished")) {
      streaks.set(live.userId, nextFailedInARow(streaks.get(live.userId) ?? 0, live));
    }
  }
  const shown = onlyUserId ? participants.filter((p) => p.user_id === onlyUserId) : participants;
  return shown.map((p) => ({
    userId: p.user_id,
    name: p.name,
    online: online.has(p.user_id),
    joinedAt: p.joined_at.toISOString(),
    lastEditAt: laterDate(saved.get(p.user_id), live.get(p.user_id))?.toISOString() ?? null,
    lastRun: lastRuns.get(p.user_id) ?? null,
    failedInARow: streaks.get(p.user_id) ?? 0,
    typedChars: provenance.get(p.user_id)?.typedChars ?? 0,
    pastedChars: provenance.get(p.user_id)?.pastedChars ?? 0,
  }));
}

const laterDate = (a: Date | undefined, b: Date | undefined) => (a && b ? (a > b ? a : b) : (a ?? b));

const send = (ws: WebSocket, message: ChannelServerMessage) => {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
};

/**
 * A session's live channel (`/api/sessions/:id/channel`). The first message authenticates;
 * the teacher then receives the roster and every change to it; a student's open channel
 * counts them as online and brings them session-wide events (the session ending) and the
 * updates of their own runs and their own raised hand.
 */
export function handleSessionChannel(ctx: Ctx, ws: WebSocket, sessionId: string): void {
  let actor: Actor | null = null;
  let asTeacher = false;
  let unsubscribe: (() => Promise<void>) | null = null;
  let unsubscribeDeleted: (() => Promise<void>) | null = null;
  let stopResync: (() => void) | null = null;
  /** This socket counts its student as online (and must uncount them when it closes). */
  let countedOnline = false;
  let closed = false;

  /** Follows the session for an admitted caller (a teacher if `manage`). */
  const start = async (self: Actor, manage: boolean) => {
    actor = self;
    asTeacher = manage;
    unsubscribe = await ctx.bus.subscribe(sessionTopic(sessionId), (event) => {
      if (asTeacher || event.type === "session_ended" || event.type === "session_updated") send(ws, event);
      // A student follows their own runs, also those the teacher starts for them.
      else if (event.type === "run_update" && event.run.userId === self.id) send(ws, event);
      // And their own hand: raised, claimed, resolved, or moved up the queue.
      else if (event.type === "hand_update" && event.hand.userId === self.id) send(ws, event);
      // Everything else (presence, provenance, questions to the AI: ai_exchange) is the teacher's alone.
    });
    // The session deleted (on any instance): nothing more will come; the client learns it is gone.
    unsubscribeDeleted = await ctx.bus.subscribe(SESSIONS_DELETED_TOPIC, (deleted) => {
      if (deleted.sessionId === sessionId && ws.readyState === ws.OPEN)
        ws.close(CLOSE_CODES.notFound, "Session deleted");
    });
    if (closed) {
      await unsubscribe();
      await unsubscribeDeleted();
      return;
    }
    if (!asTeacher) {
      countedOnline = true;
      await ctx.presence.connected(sessionId, self.id);
    }
    const sendReady = async () =>
      send(ws, {
        type: "ready",
        role: asTeacher ? "teacher" : "student",
        // A student's roster holds only themselves (with their last run, to re-attach its terminal).
        roster: await roster(ctx, sessionId, asTeacher ? null : self.id),
      });
    // Events published while the bus was cut off from Redis were missed: the client gets the
    // whole state again, as after a reconnection of its own (a `ready` replaces what it holds).
    stopResync = ctx.bus.onResume(() => {
      if (!closed)
        sendReady().catch((err: unknown) => ctx.log.warn({ err, sessionId }, "channel: resync failed"));
    });
    if (closed) stopResync();
    else await sendReady();
  };

  ws.on("close", () => {
    closed = true;
    stopResync?.();
    void unsubscribe?.();
    void unsubscribeDeleted?.();
    const self = actor;
    if (self && countedOnline)
      ctx.presence
        .disconnected(sessionId, self.id)
        .catch((err: unknown) => ctx.log.warn({ err }, "presence: disconnecting failed"));
  });

  acceptSocket(ctx, ws, {
    label: "session channel",
    authSchema: channelAuthSchema,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    admit: (self) =>
      sessionAccess(ctx, self, sessionId).then(
        ({ manage }) => manage,
        () => {
          ws.close(CLOSE_CODES.forbidden, "Forbidden");
          return null;
        },
      ),
    /** After a revocation: a lost login, a lost membership or a changed role closes the channel. */
    stillAllowed: async (fresh, manage) => {
      const access = await sessionAccess(ctx, fresh, sessionId).catch(() => null);
      // A teacher demoted to student sees the student view (or nothing) after reconnecting.
      return access !== null && access.manage === manage;
    },
    start,
    message: (parsed) => {
      // Pings and the pongs to our probes need no answer: they are signs of life.
      if (!channelClientMessageSchema.safeParse(parsed).success)
        ws.close(CLOSE_CODES.malformed, "Unknown or invalid message");
    },
  });
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
