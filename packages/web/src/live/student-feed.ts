import { HocuspocusProvider, type HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import {
  type Language,
  type Provenance,
  type RosterEntry,
  type RunSummary,
  studentDocumentName,
} from "@observer/protocol";
import { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { codeOf, languageOf, metaOf } from "../editor/code-document.ts";
import { FailedRunStreak } from "./failed-run-streak.ts";
import { ProviderWatcher } from "./provider-state.ts";
import { reopenWhenClosed } from "./reopen.ts";

/** Edits closer together than this count as one for "last edit". */
const EDIT_RESOLUTION_MS = 1000;

/** What a tile shows about a student, apart from the code itself. */
export interface StudentSnapshot {
  id: string;
  name: string;
  joinedAt: string;
  online: boolean;
  /** When the code last changed (ms since the epoch), or null if never. */
  lastEditAt: number | null;
  language: Language | null;
  /** The document: still opening, open, or refused by the server. */
  documentState: "opening" | "open" | "refused";
  /** The student's latest run (its state and last lines of output), or null before any. */
  lastRun: RunSummary | null;
  /** How many of the latest runs with a verdict failed in a row (run-failure.ts in protocol). */
  failedInARow: number;
  /** Characters the student typed and pasted into their code so far (the paste signal). */
  typedChars: number;
  pastedChars: number;
}

export interface StudentFeedOptions {
  sessionId: string;
  entry: RosterEntry;
  socket: HocuspocusProviderWebsocket;
  token: () => Promise<string>;
}

/**
 * One student's live document on the teacher's side: a Y.Doc kept in sync over the shared
 * socket, plus the facts of the tile (online, last edit, language). Subscribers hear about
 * the facts (`subscribe`) and the code (`subscribeCode`) separately, so a keystroke only
 * wakes the code preview of its own tile.
 *
 * Invariants:
 * - The provider has an Awareness whose local state stays null until the teacher opens
 *   the focus view (`present`), so the dashboard never shows up in a student's editor.
 * - `snapshot` is a new object exactly when a fact changed (for useSyncExternalStore).
 */
export class StudentFeed {
  readonly id: string;
  readonly doc = new Y.Doc();
  readonly code: Y.Text;
  readonly awareness: Awareness;
  readonly provider: HocuspocusProvider;
  readonly watcher: ProviderWatcher;
  private current: StudentSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly codeListeners = new Set<() => void>();
  private readonly stopReopening: () => void;
  private readonly streak: FailedRunStreak;

  constructor(options: StudentFeedOptions) {
    const { entry } = options;
    this.id = entry.userId;
    this.code = codeOf(this.doc);
    this.current = {
      id: entry.userId,
      name: entry.name,
      joinedAt: entry.joinedAt,
      online: entry.online,
      lastEditAt: entry.lastEditAt ? Date.parse(entry.lastEditAt) : null,
      language: null,
      documentState: "opening",
      lastRun: entry.lastRun,
      failedInARow: entry.failedInARow,
      typedChars: entry.typedChars,
      pastedChars: entry.pastedChars,
    };
    this.streak = new FailedRunStreak(entry.failedInARow, entry.lastRun);
    this.awareness = new Awareness(this.doc);
    this.awareness.setLocalState(null);
    this.provider = new HocuspocusProvider({
      websocketProvider: options.socket,
      name: studentDocumentName(options.sessionId, entry.userId),
      document: this.doc,
      awareness: this.awareness,
      token: options.token,
    });
    this.watcher = new ProviderWatcher(this.provider);
    this.watcher.subscribe(this.onConnection);
    this.stopReopening = reopenWhenClosed(this.provider);
    this.doc.on("update", this.onUpdate);
    metaOf(this.doc).observe(this.onMeta);
    this.code.observe(this.onCode);
    this.provider.attach();
  }

  get snapshot(): StudentSnapshot {
    return this.current;
  }

  private patch(patch: Partial<StudentSnapshot>): void {
    const changed = Object.entries(patch).some(
      ([key, value]) => this.current[key as keyof StudentSnapshot] !== value,
    );
    if (!changed) return;
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener();
  }

  private readonly onConnection = (): void => {
    const state = this.watcher.getSnapshot();
    this.patch({ documentState: state.refused ? "refused" : state.everSynced ? "open" : "opening" });
  };

  private readonly onUpdate = (): void => {
    // The first sync brings the stored code: not an edit.
    if (this.provider.synced) this.noteEdit(Date.now());
  };

  private readonly onMeta = (): void => this.patch({ language: languageOf(this.doc) });

  private readonly onCode = (): void => {
    for (const listener of this.codeListeners) listener();
  };

  /**
   * Records an edit at `at` (ms) if it is newer than the last one known. Within a second of
   * the last one it is not worth a re-render ("edited just now" either way), so a student
   * typing wakes the tile's header at most once a second.
   */
  noteEdit(at: number): void {
    const last = this.current.lastEditAt;
    if (last === null || at - last >= EDIT_RESOLUTION_MS) this.patch({ lastEditAt: at });
  }

  /** Applies what the roster says (name, online, last edit, last run, failures in a row). */
  updateFromRoster(entry: RosterEntry): void {
    this.streak.reset(entry.failedInARow, entry.lastRun);
    this.patch({
      name: entry.name,
      online: entry.online,
      joinedAt: entry.joinedAt,
      failedInARow: entry.failedInARow,
      typedChars: entry.typedChars,
      pastedChars: entry.pastedChars,
    });
    if (entry.lastEditAt) this.noteEdit(Date.parse(entry.lastEditAt));
    if (entry.lastRun) this.setLastRun(entry.lastRun);
  }

  /**
   * A run of this student changed (or printed). An update of an older run than the one shown
   * (a replaced run's last words arriving late) is ignored. A run that has just ended moves
   * `failedInARow`, once however many updates repeat its end.
   */
  setLastRun(run: RunSummary): void {
    const current = this.current.lastRun;
    if (current && current.id !== run.id && run.queuedAt < current.queuedAt) return;
    this.patch({ lastRun: run, failedInARow: this.streak.update(run) });
  }

  /** The server's latest count of characters typed and pasted (teachers only). */
  setProvenance({ typedChars, pastedChars }: Provenance): void {
    this.patch({ typedChars, pastedChars });
  }

  setOnline(online: boolean): void {
    this.patch({ online });
  }

  /** Facts changed. Returns an unsubscribe. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The code changed. Returns an unsubscribe. */
  subscribeCode(listener: () => void): () => void {
    this.codeListeners.add(listener);
    return () => this.codeListeners.delete(listener);
  }

  readonly getSnapshot = (): StudentSnapshot => this.current;

  dispose(): void {
    this.stopReopening();
    this.watcher.dispose();
    this.doc.off("update", this.onUpdate);
    this.provider.destroy();
    this.doc.destroy();
    this.listeners.clear();
    this.codeListeners.clear();
  }
}
