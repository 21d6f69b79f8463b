import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What the runner needs of a pseudo-terminal (the subset of node-pty's IPty it uses). */
export interface Pty {
  readonly pid: number;
  onData(listener: (data: string) => void): void;
  onExit(listener: (event: { exitCode: number; signal: number }) => void): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
}

export interface PtyOptions {
  name: string;
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
}

type HostMessage =
  | { op: "spawned"; id: number; pid: number }
  | { op: "error"; id: number; message: string }
  | { op: "data"; id: number; data: string }
  | { op: "exit"; id: number; exitCode: number; signal: number };

class RemotePty implements Pty {
  pid = 0;
  exited = false;
  private readonly dataListeners: ((data: string) => void)[] = [];
  private readonly exitListeners: ((event: { exitCode: number; signal: number }) => void)[] = [];
  /** Output that arrived before anyone listened (none is dropped). */
  private early: string[] = [];
  private exitEvent: { exitCode: number; signal: number } | null = null;

  constructor(
    private readonly host: PtyHost,
    readonly id: number,
  ) {}

  onData(listener: (data: string) => void): void {
    this.dataListeners.push(listener);
    for (const data of this.early.splice(0)) listener(data);
  }

  onExit(listener: (event: { exitCode: number; signal: number }) => void): void {
    this.exitListeners.push(listener);
    if (this.exitEvent) listener(this.exitEvent);
  }

  write(data: string): void {
    if (!this.exited) this.host.post({ op: "write", id: this.id, data });
  }

  resize(cols: number, rows: number): void {
    if (!this.exited) this.host.post({ op: "resize", id: this.id, cols, rows });
  }

  data(data: string): void {
    if (this.dataListeners.length === 0) this.early.push(data);
    for (const listener of this.dataListeners) listener(data);
  }

  exit(event: { exitCode: number; signal: number }): void {
    if (this.exited) return;
    this.exited = true;
    this.exitEvent = event;
    for (const listener of this.exitListeners) listener(event);
  }
}

const HOST_SCRIPT = fileURLToPath(new URL("./pty-host.mjs", import.meta.url));

/**
 * Starts pseudo-terminals in a small child process (pty-host.mjs) instead of the server: node-pty
 * forks the calling process for each terminal, and forking the server (hundreds of MB with the
 * embedded database) blocked its event loop for tens of milliseconds per launcher. The host
 * runs with an empty environment, kills every terminal's processes and exits when the server
 * goes, and is started again if it dies.
 */
export class PtyHost {
  private child: ChildProcess | null = null;
  private readonly ptys = new Map<
    number,
    { pty: RemotePty; spawned?: (pid: number) => void; failed?: (err: Error) => void }
  >();
  private nextId = 1;
  private disposed = false;

  private ensure(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(HOST_SCRIPT, [], {
      execArgv: [],
      env: {},
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      serialization: "json",
    });
    child.on("message", (message: HostMessage) => this.receive(message));
    child.on("exit", () => {
      if (this.child === child) this.child = null;
      // Its terminals are gone with it.
      for (const [id, entry] of this.ptys) {
        this.ptys.delete(id);
        entry.failed?.(new Error("the pty host exited"));
        entry.pty.exit({ exitCode: -1, signal: 9 });
      }
    });
    child.on("error", () => {});
    // The host must not keep the server alive, nor its channel.
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    this.child = child;
    return child;
  }

  /** The host process's pid, or null while none runs. */
  get hostPid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Starts `file` under a new pseudo-terminal in the host; resolves once it has a pid. */
  spawn(file: string, args: string[], options: PtyOptions): Promise<Pty> {
    if (this.disposed) return Promise.reject(new Error("the pty host is disposed"));
    const id = this.nextId++;
    const pty = new RemotePty(this, id);
    return new Promise((resolve, reject) => {
      this.ptys.set(id, {
        pty,
        spawned: (pid) => {
          pty.pid = pid;
          resolve(pty);
        },
        failed: reject,
      });
      this.post({ op: "spawn", id, file, args, options });
    });
  }

  post(message: unknown): void {
    const child = this.ensure();
    if (child.connected) child.send(message as object, undefined, {}, () => {});
  }

  private receive(message: HostMessage): void {
    const entry = this.ptys.get(message.id);
    if (!entry) return;
    if (message.op === "spawned") {
      const spawned = entry.spawned;
      entry.spawned = undefined;
      entry.failed = undefined;
      spawned?.(message.pid);
    } else if (message.op === "error") {
      this.ptys.delete(message.id);
      entry.failed?.(new Error(message.message));
    } else if (message.op === "data") {
      entry.pty.data(message.data);
    } else {
      this.ptys.delete(message.id);
      entry.pty.exit({ exitCode: message.exitCode, signal: message.signal });
    }
  }

  /** Ends the host (its terminals' processes are killed by it). */
  async dispose(): Promise<void> {
    this.disposed = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.disconnect();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}
