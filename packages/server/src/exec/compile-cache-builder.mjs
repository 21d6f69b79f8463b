// Builds the compile cache (compile-cache.ts) in a process of its own, started detached by the
// first server or runner that finds it missing, so that it finishes once even when that server
// stops first (a test's server lives a few seconds), and no other starts a second build while
// it runs: the lock file holds this process's pid. Its only input is the spec in argv[2] (JSON);
// it compiles fixed sources, never a student's code. What could not be built is listed in
// ready.json's `problems`.
import { execFile } from "node:child_process";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import path from "node:path";

/** @type {{ dir: string, gxx: string | null, cxxFlags: string[], headers: string[], javac: string | null, javacFlags: string[] }} */
const spec = JSON.parse(process.argv[2] ?? "{}");
const STEP_TIMEOUT_MS = 120_000;
const lock = `${spec.dir}.lock`;

const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
};

/** Takes the lock (our pid in it); a lock of a process that is gone is taken over. */
function takeLock() {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch {
      let pid = 0;
      try {
        pid = Number(readFileSync(lock, "utf8").trim());
      } catch {
        // Removed meanwhile: try again.
      }
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return false;
      rmSync(lock, { force: true });
    }
  }
  return false;
}

const run = (command, args, cwd) =>
  new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env: { PATH: "/usr/bin:/bin", LANG: "C.UTF-8" }, timeout: STEP_TIMEOUT_MS },
      (err, _stdout, stderr) =>
        err ? reject(new Error(`${path.basename(command)}: ${(stderr || err.message).trim()}`)) : resolve(),
    );
  });

async function build(staging) {
  const problems = [];
  // Readable by the sandbox user (another uid when the server runs as root), writable by us only.
  chmodSync(staging, 0o755);
  const src = path.join(staging, "src");
  mkdirSync(path.join(staging, "pch"), { mode: 0o755 });
  mkdirSync(src, { mode: 0o700 });
  const headers = [];
  if (spec.gxx) {
    for (const header of spec.headers) {
      const source = path.join(src, `${header.replace(/\W/g, "_")}.h`);
      writeFileSync(source, `#include <${header}>\n`);
      const output = path.join(staging, "pch", `${header}.gch`);
      mkdirSync(path.dirname(output), { recursive: true, mode: 0o755 });
      try {
        await run(spec.gxx, [...spec.cxxFlags, "-x", "c++-header", source, "-o", output], src);
        chmodSync(output, 0o644);
        headers.push(header);
      } catch (err) {
        problems.push(`<${header}> not precompiled: ${err.message}`);
      }
    }
  }
  let javacArchive = false;
  if (spec.javac) {
    const work = path.join(src, "java");
    mkdirSync(work);
    writeFileSync(
      path.join(work, "Hello.java"),
      'public class Hello {\n  public static void main(String[] args) {\n    System.out.println("hello");\n  }\n}\n',
    );
    const archive = path.join(staging, "javac.jsa");
    try {
      await run(
        spec.javac,
        [...spec.javacFlags, `-J-XX:ArchiveClassesAtExit=${archive}`, "-encoding", "UTF-8", "Hello.java"],
        work,
      );
      javacArchive = existsSync(archive);
      if (javacArchive) chmodSync(archive, 0o644);
      else problems.push("javac wrote no class-data archive");
    } catch (err) {
      problems.push(`javac's classes not archived: ${err.message}`);
    }
  }
  rmSync(src, { recursive: true, force: true });
  return { headers, javacArchive, problems };
}

if (!existsSync(path.join(spec.dir, "ready.json")) && takeLock()) {
  const staging = mkdtempSync(`${spec.dir}.building-`);
  try {
    const contents = await build(staging);
    writeFileSync(path.join(staging, "ready.json"), JSON.stringify(contents), { mode: 0o644 });
    try {
      renameSync(staging, spec.dir);
    } catch {
      // There already (built by a process that took over a lock it found stale): keep that one.
      rmSync(staging, { recursive: true, force: true });
    }
  } catch {
    rmSync(staging, { recursive: true, force: true });
  } finally {
    unlinkSync(lock);
  }
}
