import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { WebSocket } from "ws";
import * as Y from "yjs";

/** 5 characters a second: how fast a student types in the benchmarks. */
export const KEYSTROKE_MS = 200;

/** One student's document and the token that opens it (null on a server without auth). */
export interface ClassDocument {
  name: string;
  studentToken: string | null;
  /**
   * The server this student's socket goes to (the class's URL, where the teacher is, unless
   * said): on a cluster, students spread over the instances while the teacher is on one.
   */
  url?: string;
}

/** A simulated student: their own socket and provider on their own document. */
export interface TypingStudent {
  ydoc: Y.Doc;
  ws: HocuspocusProviderWebsocket;
  provider: HocuspocusProvider;
}

const collabSocket = (url: string) =>
  new HocuspocusProviderWebsocket({
    url: `${url.replace("http", "ws")}/collab`,
    WebSocketPolyfill: WebSocket,
  });

function whenSynced(provider: HocuspocusProvider): Promise<void> {
  return new Promise((resolve) => {
    if (provider.isSynced) resolve();
    else provider.on("synced", () => resolve());
  });
}

/**
 * A class typing: N students (one socket each) type into their own document while one teacher
 * is subscribed to every document over one multiplexed socket, as the teacher's dashboard is.
 * Keystroke -> teacher latency is measured in this process (one clock) from the student's
 * insert to the teacher's Y.Text observer, while `measuring` is set. Shared by `bench:collab`
 * and `bench:lab` so that both measure the same thing.
 */
export class TypingClass {
  /** Whether keystrokes seen by the teacher now count. */
  measuring = false;
  /** Keystrokes typed while `measuring` (some may arrive after it ends: a saturated server shows here). */
  sentWhileMeasuring = 0;
  private latencies: number[] = [];
  /** The student of each entry of `latencies` (its index in `docs`). */
  private latencyStudents: number[] = [];
  private timers: NodeJS.Timeout[] = [];

  private constructor(
    readonly students: TypingStudent[],
    private readonly teacherSocket: HocuspocusProviderWebsocket,
    private readonly teacherProviders: HocuspocusProvider[],
    private readonly sentAt: number[][],
  ) {}

  /** Connects the teacher and the students and resolves once every provider is synced. */
  static async connect(
    url: string,
    docs: ClassDocument[],
    teacherToken: string | null,
  ): Promise<TypingClass> {
    const teacherSocket = collabSocket(url);
    const sentAt: number[][] = docs.map(() => []);
    const teacherProviders: HocuspocusProvider[] = [];
    const students: TypingStudent[] = [];
    const typing = new TypingClass(students, teacherSocket, teacherProviders, sentAt);
    docs.forEach((doc, i) => {
      const ydoc = new Y.Doc();
      let seen = 0;
      ydoc.getText("code").observe((event) => {
        const text = event.target as Y.Text;
        const now = performance.now();
        for (let pos = seen; pos < text.length; pos++) {
          const sent = sentAt[i]?.[pos];
          if (typing.measuring && sent !== undefined) {
            typing.latencies.push(now - sent);
            typing.latencyStudents.push(i);
          }
        }
        seen = text.length;
      });
      const provider = new HocuspocusProvider({
        websocketProvider: teacherSocket,
        name: doc.name,
        token: teacherToken,
        document: ydoc,
      });
      provider.attach();
      teacherProviders.push(provider);
    });
    for (const doc of docs) {
      const ydoc = new Y.Doc();
      const ws = collabSocket(doc.url ?? url);
      const provider = new HocuspocusProvider({
        websocketProvider: ws,
        name: doc.name,
        token: doc.studentToken,
        document: ydoc,
      });
      provider.attach();
      students.push({ ydoc, ws, provider });
    }
    await Promise.all([...teacherProviders, ...students.map((s) => s.provider)].map(whenSynced));
    return typing;
  }

  /** Student `i` types one character at the end of their text (starter text may exist). */
  keystroke(i: number): void {
    const text = (this.students[i] as TypingStudent).ydoc.getText("code");
    (this.sentAt[i] as number[])[text.length] = performance.now();
    if (this.measuring) this.sentWhileMeasuring += 1;
    text.insert(text.length, "x");
  }

  /** Every student starts typing every `KEYSTROKE_MS`, each at a random phase. */
  startTyping(): void {
    this.students.forEach((_, i) => {
      this.timers.push(
        setTimeout(
          () => this.timers.push(setInterval(() => this.keystroke(i), KEYSTROKE_MS)),
          Math.random() * KEYSTROKE_MS,
        ),
      );
    });
  }

  stopTyping(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** The latencies (ms) measured since the last call. */
  takeLatencies(): number[] {
    const taken = this.latencies;
    this.latencies = [];
    this.latencyStudents = [];
    return taken;
  }

  /** The latencies (ms) measured since the last call, grouped by `groupOf(student index)`. */
  takeLatenciesBy(groupOf: (student: number) => string): Map<string, number[]> {
    const students = this.latencyStudents;
    const groups = new Map<string, number[]>();
    this.takeLatencies().forEach((ms, k) => {
      const key = groupOf(students[k] as number);
      const list = groups.get(key) ?? [];
      list.push(ms);
      groups.set(key, list);
    });
    return groups;
  }

  close(): void {
    this.stopTyping();
    for (const s of this.students) {
      s.provider.destroy();
      s.ws.destroy();
    }
    for (const p of this.teacherProviders) p.destroy();
    this.teacherSocket.destroy();
  }
}
