import type { EventBus } from "../bus/event-bus.ts";
import { publishSessionEvent } from "../bus/session-events.ts";
import { ConnectionCounts, laterEdits, type Presence, RecentEdits } from "./presence.ts";

/** Presence of one instance alone: its own connections are everyone's. */
export class MemoryPresence implements Presence {
  private readonly connections = new ConnectionCounts();
  private readonly edits = new RecentEdits();

  constructor(private readonly bus: EventBus) {}

  async connected(sessionId: string, userId: string): Promise<void> {
    if (this.connections.add(sessionId, userId))
      await publishSessionEvent(this.bus, sessionId, { type: "presence", userId, online: true });
  }

  async disconnected(sessionId: string, userId: string): Promise<void> {
    if (this.connections.remove(sessionId, userId))
      await publishSessionEvent(this.bus, sessionId, { type: "presence", userId, online: false });
  }

  async onlineUsers(sessionId: string): Promise<Set<string>> {
    return this.connections.usersOf(sessionId);
  }

  async isOnline(sessionId: string, userId: string): Promise<boolean> {
    return this.connections.has(sessionId, userId);
  }

  edited(sessionId: string, studentId: string, at: Date): void {
    this.edits.record(sessionId, studentId, at.getTime());
  }

  async lastEdits(sessionId: string): Promise<Map<string, Date>> {
    return laterEdits(this.edits.of(sessionId), new Map());
  }

  async close(): Promise<void> {
    this.connections.clear();
  }
}
