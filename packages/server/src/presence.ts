/**
 * Who is online in which session. Live connections (the collaboration server and the
 * session channel) report here; the participant list reads it. Counts connections so a
 * student with two tabs stays online until both close.
 */
export class Presence {
  private readonly connections = new Map<string, number>();

  private key(sessionId: string, userId: string) {
    return `${sessionId}:${userId}`;
  }

  /** Counts a connection; true when the user just came online. */
  connected(sessionId: string, userId: string): boolean {
    const key = this.key(sessionId, userId);
    const count = (this.connections.get(key) ?? 0) + 1;
    this.connections.set(key, count);
    return count === 1;
  }

  /** Uncounts a connection; true when the user just went offline. */
  disconnected(sessionId: string, userId: string): boolean {
    const key = this.key(sessionId, userId);
    const left = (this.connections.get(key) ?? 0) - 1;
    if (left > 0) {
      this.connections.set(key, left);
      return false;
    }
    const wasOnline = this.connections.delete(key);
    return wasOnline;
  }

  isOnline(sessionId: string, userId: string): boolean {
    return this.connections.has(this.key(sessionId, userId));
  }
}
