import type { CreateRunBody, Language, Run, RunSummary } from "@observer/protocol";
import { ApiError, errorMessage } from "../api/errors.ts";
import type { WebSocketLike } from "../live/authenticated-socket.ts";
import { RunConnection, type RunRefusal } from "./run-connection.ts";
import { IDLE_RUN, outcomeOf, type RunOutcome, type RunState, stateFromSummary } from "./run-status.ts";

/** Where a terminal writes: the xterm of the panel on screen. */
export interface TerminalSink {
  write(data: string): void;
  /** Clears the screen and everything written (a new run starts afresh). */
  reset(): void;
}

export interface RunControllerOptions {
  /** Base URL for WebSockets, e.g. `ws://host`. */
  baseUrl: string;
  token: (force: boolean) => Promise<string | null>;
  /** `POST /api/sessions/:id/runs` with this body; resolves to the new run. */
  createRun: (body: CreateRunBody) => Promise<Run>;
  /** `GET /api/runs/:runId`: the fallback when the terminal socket no longer knows a run. */
  getRun: (runId: string) => Promise<Run>;
  /** The student whose code the teacher runs (unset: the caller's own runs). */
  userId?: string;
  WebSocketImpl?: WebSocketLike;
}

/** Most output kept for a terminal that mounts late (the server caps a run's output at 1 MB). */
const TRANSCRIPT_CHARS = 2 * 1024 * 1024;

const REFUSALS: Record<RunRefusal, string> = {
  forbidden: "You are not allowed to watch this run.",
  notFound: "This run is no longer available.",
  unauthorized: "Your login has expired. Log in again to run programs.",
};

/**
 * One student's terminal: runs their code, follows their latest run (also runs someone
 * else started: the teacher, another tab) and feeds its output to the terminal on screen.
 *
 * Invariants:
 * - It follows one run at a time, through one RunConnection; following another run resets
 *   the terminal first, so a terminal only ever shows one run's output, whole and in order.
 * - Runs it followed before are never followed again, nor runs queued before the current
 *   one (late updates of a replaced run are ignored).
 * - `getSnapshot()` returns the same object until the state changes (useSyncExternalStore).
 * - After `dispose()` nothing is called back and no socket stays open.
 */
export class RunController {
  private state: RunState = IDLE_RUN;
  private connection: RunConnection | null = null;
  private sink: TerminalSink | null = null;
  private transcript = "";
  private readonly left = new Set<string>();
  private currentQueuedAt: string | null = null;
  /** The last run this controller started itself (`run()`), not one it only follows. */
  private ownRunId: string | null = null;
  private runCalls = 0;
  private ticket = 0;
  private stopWanted = false;
  private size: { cols: number; rows: number } | null = null;
  private disposed = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: RunControllerOptions) {}

  readonly getSnapshot = (): RunState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private setState(patch: Partial<RunState>): void {
    if (this.disposed) return;
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  /** Shows output in `sink` (everything of the current run so far first), or detaches with null. */
  setSink(sink: TerminalSink | null): void {
    this.sink = sink;
    if (!sink) return;
    sink.reset();
    if (this.transcript) sink.write(this.transcript);
  }

  /** Runs `code`; the previous run (if still going) is stopped by the server. */
  async run(language: Language, code: string): Promise<void> {
    const ticket = ++this.ticket;
    const call = ++this.runCalls;
    this.leave();
    this.stopWanted = false;
    this.resetOutput();
    this.setState({ ...IDLE_RUN, status: "starting" });
    const body: CreateRunBody = { language, code };
    if (this.options.userId) body.userId = this.options.userId;
    if (this.size) Object.assign(body, this.size);
    try {
      const run = await this.options.createRun(body);
      // Also when the session channel announced this run first (follow() took it over).
      if (call === this.runCalls) this.ownRunId = run.id;
      if (ticket !== this.ticket || this.disposed) return;
      this.attach(run.id, run.queuedAt, { status: run.status, position: null });
    } catch (error) {
      if (ticket !== this.ticket) return;
      this.setState({ ...IDLE_RUN, error: errorMessage(error) });
      if (error instanceof ApiError && error.code === "network_error") this.clearWhenOnline(this.state.error);
    }
  }

  /** "Cannot reach the server" no longer holds once the browser is back online: it goes then. */
  private clearWhenOnline(message: string | null): void {
    if (typeof window === "undefined" || message === null) return;
    const clear = () => {
      window.removeEventListener("online", clear);
      if (this.state.error === message) this.setState({ error: null });
    };
    window.addEventListener("online", clear);
  }

  /** Whether `runId` was started by this controller's `run()` (here), not elsewhere (the teacher, another tab). */
  startedHere(runId: string): boolean {
    return runId === this.ownRunId;
  }

  /** Stops the current run (at once if the request to start it is still under way). */
  stop(): void {
    if (this.connection) this.connection.kill();
    else if (this.state.status === "starting") this.stopWanted = true;
  }

  /** What the user typed in the terminal, for the running program. */
  stdin(data: string): void {
    if (this.connection && !this.connection.closed) this.connection.stdin(data);
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    this.connection?.resize(cols, rows);
  }

  /**
   * The student's latest run as the session channel reports it: follows it when it is a newer
   * run than the current one (started by the teacher, or in another tab); takes its result
   * when the terminal socket could not give it.
   */
  follow(summary: RunSummary): void {
    if (this.disposed) return;
    if (summary.id === this.state.runId) {
      if (summary.status === "finished" && this.state.status !== "finished" && !this.connection)
        this.setState(stateFromSummary(summary));
      return;
    }
    if (this.left.has(summary.id)) return;
    if (this.currentQueuedAt !== null && summary.queuedAt < this.currentQueuedAt) return;
    if (this.state.status === "starting") this.ticket++;
    this.attach(summary.id, summary.queuedAt, stateFromSummary(summary));
  }

  private attach(runId: string, queuedAt: string, initial: Partial<RunState>): void {
    if (this.state.runId === runId && this.connection) return;
    this.leave();
    this.resetOutput();
    this.currentQueuedAt = queuedAt;
    const live = initial.status !== "finished" && initial.status !== "failed";
    this.setState({ ...IDLE_RUN, ...initial, runId, outcome: live ? null : (initial.outcome ?? null) });
    const connection = new RunConnection({
      baseUrl: this.options.baseUrl,
      runId,
      token: this.options.token,
      WebSocketImpl: this.options.WebSocketImpl,
      onOutput: (data) => this.output(data),
      onStatus: (status, position) => this.setState({ status, position }),
      onExit: (outcome, failureReason) => {
        this.connection = null;
        this.finished(outcome, failureReason);
      },
      onRefused: (reason) => {
        this.connection = null;
        if (reason === "notFound") void this.fromStore(runId);
        else this.setState({ error: REFUSALS[reason] });
      },
    });
    this.connection = connection;
    if (this.size) connection.resize(this.size.cols, this.size.rows);
    if (this.stopWanted) {
      this.stopWanted = false;
      connection.kill();
    }
  }

  /** A run the terminal socket does not know (any more): its stored output and result. */
  private async fromStore(runId: string): Promise<void> {
    try {
      const run = await this.options.getRun(runId);
      if (this.state.runId !== runId || this.disposed) return;
      this.resetOutput();
      this.output(run.output);
      if (run.status === "finished" || run.status === "failed") {
        this.setState({
          status: run.status,
          position: null,
          outcome: outcomeOf(run),
          failureReason: run.failureReason,
        });
      } else this.setState({ error: REFUSALS.notFound });
    } catch (error) {
      if (this.state.runId === runId) this.setState({ error: errorMessage(error) });
    }
  }

  private finished(outcome: RunOutcome, failureReason: string | null = null): void {
    this.setState({ status: failureReason ? "failed" : "finished", position: null, outcome, failureReason });
  }

  private output(data: string): void {
    if (this.disposed || data === "") return;
    this.transcript += data;
    if (this.transcript.length > TRANSCRIPT_CHARS) this.transcript = this.transcript.slice(-TRANSCRIPT_CHARS);
    this.sink?.write(data);
  }

  private resetOutput(): void {
    this.transcript = "";
    this.sink?.reset();
  }

  /** Stops following the current run (it keeps running on the server). */
  private leave(): void {
    if (this.state.runId) this.left.add(this.state.runId);
    this.connection?.dispose();
    this.connection = null;
  }

  dispose(): void {
    this.leave();
    this.disposed = true;
    this.sink = null;
    this.listeners.clear();
  }
}
