import type { HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import type { ChannelServerMessage, Participant, RosterEntry, Session } from "@observer/protocol";
import * as encoding from "lib0/encoding";
import { AiLog } from "../ai/ai-log.ts";
import { loadAiLog } from "../ai/load-ai-log.ts";
import { loadHands } from "../hands/load-hands.ts";
import { collabSocket } from "./collab-socket.ts";
import { HelpQueue } from "./help-queue.ts";
import { stopWhenRevoked } from "./revoked-socket.ts";
import { type ChannelStatus, SessionChannel } from "./session-channel.ts";
import { StudentFeed } from "./student-feed.ts";

/** The Hocuspocus message type that asks the server for a document's awareness. */
const QUERY_AWARENESS = 3;
/** How often the shared socket proves it is alive when the class is quiet. */
const KEEPALIVE_MS = 10_000;
/** Edits reorder the list at most this often (presence and joins at once). */
const LIST_EDIT_THROTTLE_MS = 1000;

export interface ClassroomOptions {
  sessionId: string;
  /** `ws(s)://host` of the server. */
  baseUrl: string;
  /** Participants known from the REST API, shown until the channel's roster arrives. */
  participants: readonly Participant[];
  /** An access token for the collaboration server (always a string: "" is refused). */
  collabToken: () => Promise<string>;
  /** An access token for the channel; `force` after the server refused the last one. */
  channelToken: (force: boolean) => Promise<string | null>;
  /** The server says the session ended. */
  onSessionEnded?: (endedAt: string) => void;
  /** The session changed (its settings or class controls, by this teacher or another member's tab). */
  onSessionUpdated?: (session: Session) => void;
}

/**
 * The teacher's live view of a class: every student's document over one shared WebSocket
 * (one provider per document on it) and the session channel for the roster and the
 * students' runs (each run update only wakes its own student's tile).
 *
 * Invariants:
 * - One HocuspocusProviderWebsocket for all documents; a StudentFeed per participant,
 *   created when the participant becomes known (REST list, channel roster, or a live
 *   `participant_joined`), never polled for.
 * - `students()` returns the same array until the list changes: a join, a presence change,
 *   or (at most once a second) an edit; a keystroke alone only wakes its own tile.
 * - `dispose()` closes the channel, every provider and the socket.
 */
export class Classroom {
  readonly socket: HocuspocusProviderWebsocket;
  private readonly channel: SessionChannel;
  private readonly feeds = new Map<string, StudentFeed>();
  /** The session's open hands, oldest first (loaded on each connect, then kept by the channel). */
  readonly hands = new HelpQueue();
  /** The session's questions to the AI and their answers (loaded on each connect, then kept by the channel). */
  readonly aiLog = new AiLog();
  private list: StudentFeed[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribers: Array<() => void> = [];
  private editTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly keepalive: ReturnType<typeof setInterval>;
  channelStatus: ChannelStatus = "connecting";

  constructor(private readonly options: ClassroomOptions) {
    // Connected once the first documents are attached (see `add`).
    this.socket = collabSocket(options.baseUrl);
    for (const p of options.participants) {
      this.add({
        userId: p.userId,
        name: p.name,
        online: p.online,
        joinedAt: p.joinedAt,
        lastEditAt: null,
        lastRun: null,
        failedInARow: 0,
        typedChars: 0,
        pastedChars: 0,
      });
    }
    this.publish();
    this.channel = new SessionChannel({
      baseUrl: options.baseUrl,
      sessionId: options.sessionId,
      token: options.channelToken,
      onMessage: (message) => this.receive(message),
      onStatus: (status) => {
        this.channelStatus = status;
        this.notify();
      },
    });
    this.keepalive = setInterval(() => this.ping(), KEEPALIVE_MS);
    this.stopWatchingRevocation = stopWhenRevoked(this.socket, null, {
      refresh: () => {},
      onRevoked: () => {
        this.revoked = true;
        this.notify();
      },
    });
  }

  private readonly stopWatchingRevocation: () => void;

  private socketStarted = false;
  /** The shared collab socket was closed for good with 4403 (no longer the session's teacher). */
  revoked = false;

  private add(entry: RosterEntry): boolean {
    const existing = this.feeds.get(entry.userId);
    if (existing) {
      existing.updateFromRoster(entry);
      return false;
    }
    const feed = new StudentFeed({
      sessionId: this.options.sessionId,
      entry,
      socket: this.socket,
      token: this.options.collabToken,
    });
    let last = feed.snapshot;
    this.unsubscribers.push(
      feed.subscribe(() => {
        const next = feed.snapshot;
        // The dashboard's filters read presence, the last run's state and the failures in a row.
        if (
          next.online !== last.online ||
          next.name !== last.name ||
          next.lastRun?.status !== last.lastRun?.status ||
          next.failedInARow !== last.failedInARow ||
          next.pastedChars !== last.pastedChars ||
          next.typedChars !== last.typedChars
        )
          this.publish();
        else if (next.lastEditAt !== last.lastEditAt) this.publishSoon();
        last = next;
      }),
    );
    this.feeds.set(entry.userId, feed);
    if (!this.socketStarted) {
      this.socketStarted = true;
      queueMicrotask(() => void this.socket.connect());
    }
    return true;
  }

  private receive(message: ChannelServerMessage): void {
    switch (message.type) {
      case "ready":
        for (const entry of message.roster) this.add(entry);
        this.publish();
        void loadHands(this.hands, this.options.sessionId);
        void loadAiLog(this.aiLog, this.options.sessionId);
        break;
      case "hand_update":
        this.hands.apply(message.hand);
        break;
      case "ai_exchange":
        this.aiLog.apply(message.entry);
        break;
      case "participant_joined":
        this.add(message.participant);
        this.publish();
        break;
      case "presence":
        this.feeds.get(message.userId)?.setOnline(message.online);
        break;
      case "edited":
        this.feeds.get(message.userId)?.noteEdit(Date.parse(message.at));
        break;
      case "run_update":
        this.feeds.get(message.run.userId)?.setLastRun(message.run);
        break;
      case "provenance":
        this.feeds.get(message.userId)?.setProvenance(message);
        break;
      case "session_ended":
        this.options.onSessionEnded?.(message.endedAt);
        break;
      case "session_updated":
        this.options.onSessionUpdated?.(message.session);
        break;
      case "error":
        break;
    }
  }

  /** Asks the server for one open document's awareness: traffic both ways keeps the socket up. */
  private ping(): void {
    if (this.socket.status !== "connected") return;
    const feed = [...this.feeds.values()].find((f) => f.provider.isAuthenticated);
    if (!feed) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarString(encoder, feed.provider.effectiveName);
    encoding.writeVarUint(encoder, QUERY_AWARENESS);
    this.socket.send(encoding.toUint8Array(encoder));
  }

  private publish(): void {
    if (this.editTimer !== null) {
      clearTimeout(this.editTimer);
      this.editTimer = null;
    }
    this.list = [...this.feeds.values()];
    this.notify();
  }

  private publishSoon(): void {
    if (this.editTimer !== null) return;
    this.editTimer = setTimeout(() => this.publish(), LIST_EDIT_THROTTLE_MS);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Every student's feed (a new array only when the list may need re-sorting). */
  readonly students = (): StudentFeed[] => this.list;

  feed(studentId: string): StudentFeed | undefined {
    return this.feeds.get(studentId);
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispose(): void {
    clearInterval(this.keepalive);
    if (this.editTimer !== null) clearTimeout(this.editTimer);
    this.channel.dispose();
    this.stopWatchingRevocation();
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    for (const feed of this.feeds.values()) feed.dispose();
    this.feeds.clear();
    this.socket.destroy();
    this.listeners.clear();
  }
}
