/**
 * Who is online in which session, and when each student last edited, as every server
 * instance sees it. Live connections (the collaboration server and the session channel)
 * report here; the roster and the participant list read it. Connections are counted per
 * instance, so a student with two tabs stays online until both close; the store publishes
 * the `presence` session events when a student comes online or goes offline anywhere.
 */
export interface Presence {
  /** Counts a connection of a user to a session on this instance. */
  connected(sessionId: string, userId: string): Promise<void>;
  /** Uncounts a connection; the user goes offline once no instance holds one. */
  disconnected(sessionId: string, userId: string): Promise<void>;
  /** The users of a session with a connection on some instance. */
  onlineUsers(sessionId: string): Promise<Set<string>>;
  isOnline(sessionId: string, userId: string): Promise<boolean>;
  /**
   * Records an edit of a student's document received here: cheap, called on every change.
   * Read back at once on this instance, and on the others within about a second.
   */
  edited(sessionId: string, studentId: string, at: Date): void;
  /** The latest edit seen live per student of a session (the database may hold later ones). */
  lastEdits(sessionId: string): Promise<Map<string, Date>>;
  /** Stops the timers and gives up this instance's connections (their users go offline). */
  close(): Promise<void>;
}

/** Per-instance connection counts per (session, user). */
export class ConnectionCounts {
  private readonly counts = new Map<string, { sessionId: string; userId: string; count: number }>();

  private key(sessionId: string, userId: string) {
    return `${sessionId}|${userId}`;
  }

  /** Counts a connection; true when it is the user's first here. */
  add(sessionId: string, userId: string): boolean {
    const key = this.key(sessionId, userId);
    const entry = this.counts.get(key);
    if (entry) {
      entry.count += 1;
      return false;
    }
    this.counts.set(key, { sessionId, userId, count: 1 });
    return true;
  }

  /** Uncounts a connection; true when it was the user's last here. */
  remove(sessionId: string, userId: string): boolean {
    const key = this.key(sessionId, userId);
    const entry = this.counts.get(key);
    if (!entry) return false;
    entry.count -= 1;
    if (entry.count > 0) return false;
    this.counts.delete(key);
    return true;
  }

  has(sessionId: string, userId: string): boolean {
    return this.counts.has(this.key(sessionId, userId));
  }

  /** Users of a session with a connection here. */
  usersOf(sessionId: string): Set<string> {
    const users = new Set<string>();
    for (const entry of this.counts.values()) if (entry.sessionId === sessionId) users.add(entry.userId);
    return users;
  }

  /** Every (session, user) with a connection here. */
  entries(): { sessionId: string; userId: string }[] {
    return [...this.counts.values()].map(({ sessionId, userId }) => ({ sessionId, userId }));
  }

  clear(): void {
    this.counts.clear();
  }
}

/** Forgotten after this long: the database holds the edit by then (saved within seconds). */
const KEEP_EDITS_MS = 60 * 60 * 1000;

/** The latest edit time per (session, student) seen by this instance. */
export class RecentEdits {
  private readonly bySession = new Map<string, Map<string, number>>();
  private prunedAt = Date.now();

  /** Keeps the later of the time known and `at`. */
  record(sessionId: string, studentId: string, at: number): void {
    let students = this.bySession.get(sessionId);
    if (!students) {
      students = new Map();
      this.bySession.set(sessionId, students);
    }
    if (at > (students.get(studentId) ?? 0)) students.set(studentId, at);
    if (at - this.prunedAt > KEEP_EDITS_MS) this.prune(at);
  }

  of(sessionId: string): Map<string, number> {
    return new Map(this.bySession.get(sessionId));
  }

  private prune(now: number): void {
    this.prunedAt = now;
    for (const [sessionId, students] of this.bySession) {
      for (const [studentId, at] of students) if (now - at > KEEP_EDITS_MS) students.delete(studentId);
      if (students.size === 0) this.bySession.delete(sessionId);
    }
  }
}

/** The later of two edit-time maps, as dates. */
export function laterEdits(a: Map<string, number>, b: Map<string, number>): Map<string, Date> {
  const merged = new Map(a);
  for (const [id, at] of b) if (at > (merged.get(id) ?? 0)) merged.set(id, at);
  return new Map([...merged].map(([id, at]) => [id, new Date(at)]));
}
