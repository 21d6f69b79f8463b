import type { ChannelServerMessage, EditingMode } from "@observer/protocol";
import type { ExecMessage } from "../remote-runs/run-wire.ts";
import type { RunInput, RunOutput, RunSnapshot } from "../runs/run-relay.ts";
import type { Revocation } from "./revocations.ts";

/** What the instance that ended a session tells every instance (to make its documents read-only). */
export interface SessionEnded {
  sessionId: string;
}

/** What the instance that locked or unlocked a session's editing tells every instance (collab enforces it). */
export interface SessionEditing {
  sessionId: string;
  editing: EditingMode;
}

/**
 * Every bus topic, by name or name template, and the message it carries. The bus takes only
 * these names, and hands each subscriber its topic's message type.
 */
export interface BusTopics {
  /** A session's live channel events (bus/session-events.ts). */
  [topic: `session:${string}`]: ChannelServerMessage;
  /** A user's rights shrank (bus/revocations.ts). */
  "auth:revocations": Revocation;
  /** A session ended (commands/session-ender.ts). */
  "sessions:ended": SessionEnded;
  /** A session was deleted (commands/session-deleter.ts). */
  "sessions:deleted": SessionEnded;
  /** A session's editing was locked or unlocked (commands/session-updater.ts). */
  "sessions:editing": SessionEditing;
  /** Input for a run, to the instance running it (runs/run-relay.ts). */
  [topic: `runs:${string}:in`]: RunInput;
  /** A run's output and states, from the instance running it. */
  [topic: `runs:${string}:out`]: RunOutput;
  /** Wakes the runner of a run to read its input, size and Stop (remote-runs/run-wire.ts). */
  [topic: `runs:${string}:exec`]: ExecMessage;
  /** The answer to one watcher's snapshot request. */
  [topic: `runs:${string}:snapshot:${string}`]: RunSnapshot;
}

export type Topic = keyof BusTopics & string;
export type MessageOf<T extends Topic> = BusTopics[T];
