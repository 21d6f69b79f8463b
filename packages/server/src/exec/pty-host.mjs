// The pty host: a small process that starts the runner's pseudo-terminals (node-pty) on the
// server's behalf, so that the fork of each launcher copies this process (tens of MB) instead
// of the server (hundreds of MB with PGlite), and never blocks the server's event loop.
// Messages over the IPC channel, by pty id. Plain JavaScript: it runs under bare `node`.
import { spawn } from "node-pty";

const ptys = new Map();

const send = (message) => {
  // With a callback, a send racing the server's exit fails quietly instead of throwing.
  if (process.connected) process.send(message, undefined, {}, () => {});
};

const killAll = () => {
  for (const pty of ptys.values()) {
    for (const target of [-pty.pid, pty.pid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
};

process.on("message", (m) => {
  if (m.op === "spawn") {
    let pty;
    try {
      pty = spawn(m.file, m.args, m.options);
    } catch (err) {
      send({ op: "error", id: m.id, message: String(err) });
      return;
    }
    ptys.set(m.id, pty);
    pty.onData((data) => send({ op: "data", id: m.id, data }));
    pty.onExit(({ exitCode, signal }) => {
      ptys.delete(m.id);
      send({ op: "exit", id: m.id, exitCode, signal: signal ?? 0 });
    });
    send({ op: "spawned", id: m.id, pid: pty.pid });
  } else if (m.op === "write") {
    ptys.get(m.id)?.write(m.data);
  } else if (m.op === "resize") {
    try {
      ptys.get(m.id)?.resize(m.cols, m.rows);
    } catch {
      // exited meanwhile
    }
  }
});

// The server is gone (exited, killed): nothing of its runs may stay.
process.on("disconnect", () => {
  killAll();
  process.exit(0);
});
