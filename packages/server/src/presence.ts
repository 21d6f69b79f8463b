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

  connected(sessionId: string, userId: string): void {
    const key = this.key(sessionId, userId);
    this.connections.set(key, (this.connections.get(key) ?? 0) + 1);
  }

  disconnected(sessionId: string, userId: string): void {
    const key = this.key(sessionId, userId);
    const left = (this.connections.get(key) ?? 0) - 1;
    if (left > 0) this.connections.set(key, left);
    else this.connections.delete(key);
  }

  isOnline(sessionId: string, userId: string): boolean {
    return this.connections.has(this.key(sessionId, userId));
  }
}
